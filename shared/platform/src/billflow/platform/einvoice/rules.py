"""The official checks of an e-invoice: XML Schema (lxml) and compiled Schematron rules (XSLT 2.0,
run by Saxon-HE through saxonche, no Java). Each is loaded once and reused for every document."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

_SVRL = "http://purl.oclc.org/dsdl/svrl"
FATAL_FLAGS = frozenset({"fatal", "error"})
"""The findings that make a document invalid; ``warning`` and ``information`` are advice."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    flag: str
    text: str
    location: str

    @property
    def fatal(self) -> bool:
        return self.flag in FATAL_FLAGS


class XmlSchema:
    """One XML Schema, loaded once; ``errors`` lists what a document breaks (empty: valid)."""

    def __init__(self, path: Path) -> None:
        self._schema = etree.XMLSchema(etree.parse(str(path)))
        self._lock = threading.Lock()

    def errors(self, xml: bytes) -> list[str]:
        try:
            document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as e:
            return [str(e)]
        with self._lock:  # an XMLSchema keeps its error log: one document at a time
            if self._schema.validate(document):
                return []
            return [f"line {e.line}: {e.message}" for e in self._schema.error_log]


class _Saxon:
    """One Saxon processor per process: compiled stylesheets live as long as it does."""

    _processor: PySaxonProcessor | None = None
    _lock = threading.Lock()

    @classmethod
    def get(cls) -> PySaxonProcessor:
        with cls._lock:
            if cls._processor is None:
                cls._processor = PySaxonProcessor(license=False)
            return cls._processor


class SchematronRules:
    """A Schematron rule set compiled to XSLT 2.0 (as the standards bodies publish it), compiled
    once (0.3-0.9 s) and applied in a few ms per document.

    ``preload`` names documents the rules read with ``document('<name>')`` (Factur-X's code lists,
    183 kB): Saxon would parse them again on every run (its document cache lives as long as one
    transformation), which made the Factur-X rules 4x slower than the CEN ones. Each is parsed
    once here and handed to the stylesheet as a parameter; the rules themselves are unchanged."""

    def __init__(self, compiled_xslt: Path, preload: tuple[str, ...] = ()) -> None:
        self.path = compiled_xslt
        self._processor = _Saxon.get()
        self._lock = threading.Lock()
        compiler = self._processor.new_xslt30_processor()
        compiler.set_cwd(str(compiled_xslt.parent))
        if preload:
            text = compiled_xslt.read_text(encoding="utf-8")
            params = []
            for n, name in enumerate(preload):
                text = text.replace(f"document('{name}')", f"$billflow-preloaded-{n}")
                params.append(f'<xsl:param name="billflow-preloaded-{n}"/>')
            start = text.index("<xsl:stylesheet")
            end = text.index(">", start) + 1
            text = text[:end] + "".join(params) + text[end:]
            self._executable = compiler.compile_stylesheet(stylesheet_text=text)
        else:
            self._executable = compiler.compile_stylesheet(stylesheet_file=str(compiled_xslt))
        if self._executable is None:
            raise RuntimeError(f"Saxon could not compile {compiled_xslt}")
        for n, name in enumerate(preload):
            document = self._processor.parse_xml(xml_file_name=str(compiled_xslt.parent / name))
            self._executable.set_parameter(f"billflow-preloaded-{n}", document)

    def findings(self, xml: bytes) -> list[Finding]:
        with self._lock:
            node = self._processor.parse_xml(xml_text=xml.decode("utf-8"))
            svrl = self._executable.transform_to_string(xdm_node=node)
        return parse_svrl(svrl.encode("utf-8") if svrl else b"")

    def fatal(self, xml: bytes) -> list[Finding]:
        return [f for f in self.findings(xml) if f.fatal]


def parse_svrl(svrl: bytes) -> list[Finding]:
    """Every failed assert and successful report of an SVRL report, with its flag (an assert
    without a flag counts as fatal, as Schematron has it)."""
    if not svrl.strip():
        raise RuntimeError("the rules produced no SVRL report")
    root = etree.fromstring(svrl, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    found = []
    for element in root.iter(f"{{{_SVRL}}}failed-assert", f"{{{_SVRL}}}successful-report"):
        text = " ".join("".join(element.itertext()).split())
        found.append(
            Finding(
                rule_id=element.get("id") or "?",
                flag=(element.get("flag") or "fatal").lower(),
                text=text,
                location=element.get("location") or "",
            )
        )
    return found
