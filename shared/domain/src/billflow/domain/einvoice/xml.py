"""A few lines over ElementTree: namespaced elements that are left out when they have no text
(Peppol refuses empty elements, PEPPOL-EN16931-R008)."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET

_PREFIXES = threading.Lock()
"""ElementTree's prefixes are global: UBL's default namespace differs between Invoice and
CreditNote, so registering and writing happen together, one document at a time."""


class Tree:
    """Writes elements of prefixed names (``"ram:ID"``) in the namespaces given."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self._ns = namespaces

    def qname(self, name: str) -> str:
        prefix, local = name.split(":")
        return f"{{{self._ns[prefix]}}}{local}"

    def root(self, name: str) -> ET.Element:
        return ET.Element(self.qname(name))

    def sub(self, parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        child = ET.SubElement(parent, self.qname(name), attrs)
        if text is not None:
            child.text = text
        return child

    def text(self, parent: ET.Element, name: str, text: str | None, **attrs: str) -> None:
        """A leaf, only when ``text`` says something."""
        if text is not None and text.strip():
            self.sub(parent, name, text.strip(), **attrs)

    def serialise(self, root: ET.Element) -> bytes:
        with _PREFIXES:
            for prefix, uri in self._ns.items():
                ET.register_namespace(prefix, uri)
            written: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
        return written
