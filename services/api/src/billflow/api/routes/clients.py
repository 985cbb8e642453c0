"""Clients, and the members of projects. Who may do what is the use cases' to say."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from billflow.api.master_schemas import (
    ClientIn,
    ClientList,
    ClientOut,
    ClientPatch,
    MemberIn,
    MemberList,
    MemberOut,
    changes,
    endpoint,
)
from billflow.api.routes.common import email_address, known_id
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.usecases.clients import NewClient
from billflow.domain.usecases.edit_organisation import Change
from billflow.domain.usecases.project_members import PutMember

IncludeArchived = Annotated[bool, QueryParameter(description="Also list archived records")]


class ClientController(Controller):
    path = "/v1/clients"
    tags = ["clients"]

    @post(summary="Create a client")
    async def create(
        self, data: JSONBody[ClientIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ClientOut:
        client = await services.clients.create(
            NewClient(
                actor=request.user,
                name=data.name,
                email=email_address(data.email),
                address=data.address.address(),
                currency=data.currency,
                vat_id=data.vat_id,
                language=data.language,
                payment_terms_days=data.payment_terms_days,
                buyer_reference=data.buyer_reference,
                electronic_address=endpoint(data.electronic_address),
            )
        )
        return ClientOut.of(client)

    @get(summary="List clients")
    async def list_all(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        include_archived: IncludeArchived = False,
    ) -> ClientList:
        found = await services.clients.list(actor=request.user, include_archived=include_archived)
        return ClientList([ClientOut.of(c) for c in found])

    @get("/{client_id:str}", summary="Get a client")
    async def get_one(
        self, client_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ClientOut:
        return ClientOut.of(await services.clients.get(known_id(client_id, "client"), actor=request.user))

    @patch("/{client_id:str}", summary="Change or archive a client")
    async def update(
        self,
        client_id: FromPath[str],
        data: JSONBody[ClientPatch],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> ClientOut:
        given = changes(data)
        if "email" in given:
            given["email"] = email_address(given["email"])
        if "address" in given:
            given["address"] = data.address.address()  # type: ignore[union-attr]
        if "electronic_address" in given:
            given["electronic_address"] = endpoint(given["electronic_address"])
        client = await services.clients.update(Change(known_id(client_id, "client"), given, request.user))
        return ClientOut.of(client)


class ProjectMemberController(Controller):
    path = "/v1/projects/{project_id:str}/members"
    tags = ["company"]

    @put("/{employee_id:str}", summary="Put an employee on a project, with a rate of their own")
    async def put_one(
        self,
        project_id: FromPath[str],
        employee_id: FromPath[str],
        data: JSONBody[MemberIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> MemberOut:
        member = await services.members.put(
            PutMember(
                known_id(project_id, "project"),
                known_id(employee_id, "employee"),
                data.hourly_rate,
                request.user,
            )
        )
        return MemberOut.of(member)

    @get(summary="A project's members (those whose own project it is included)")
    async def list_all(
        self, project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> MemberList:
        found = await services.members.list(known_id(project_id, "project"), actor=request.user)
        return MemberList([MemberOut.of(m) for m in found])

    @delete("/{employee_id:str}", summary="Take an employee off a project")
    async def delete_one(
        self,
        project_id: FromPath[str],
        employee_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> None:
        await services.members.delete(
            known_id(project_id, "project"), known_id(employee_id, "employee"), actor=request.user
        )
