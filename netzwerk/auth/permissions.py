"""Who may use which view: the one place that decides it.

Every view declares its audience with ``@public`` or ``@roles_required(...)``; ``enforce_access`` runs before
each request and refuses views that declare nothing (deny by default)."""

from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user

from netzwerk.auth.models import Role
from netzwerk.extensions import login_manager

PUBLIC = "public"
ALL_ROLES = frozenset(Role)


def public(view: Callable) -> Callable:
    view.access = frozenset({PUBLIC})
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view.access = frozenset(roles)
        return view

    return decorate


login_required = roles_required(*ALL_ROLES)
admin_required = roles_required(Role.ADMIN)


def access_of(endpoint: str) -> frozenset[str] | None:
    if endpoint == "static" or endpoint.endswith(".static"):
        return frozenset({PUBLIC})
    return getattr(current_app.view_functions.get(endpoint), "access", None)


def enforce_access():
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    access = access_of(request.endpoint)
    if access is None:
        current_app.logger.error("View %s declares no access rule; refused.", request.endpoint)
        abort(403)
    if PUBLIC in access:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in access:
        abort(403)
    return None
