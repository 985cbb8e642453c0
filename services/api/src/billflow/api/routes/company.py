"""The company record: everybody who reads billing data reads it; admins change it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from billflow.api.auth import requires
from billflow.api.master_schemas import CompanyBody
from billflow.api.services import Services
from billflow.domain.access import Action
from billflow.domain.model import User


class CompanyController(Controller):
    path = "/v1/company"
    tags = ["company"]

    @get(guards=[requires(Action.READ_BILLING)], summary="The company record (the seller on documents)")
    async def get_one(
        self, request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> CompanyBody:
        return CompanyBody.of(await services.company.get(actor=request.user))

    @put(guards=[requires(Action.EDIT_COMPANY)], summary="Change the company record (admins only)")
    async def put_one(
        self,
        data: JSONBody[CompanyBody],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> CompanyBody:
        return CompanyBody.of(await services.company.update(data.company(), actor=request.user))
