"""Netzwerk Landshut: the app factory."""

import os

from flask import Flask

from netzwerk import errors, security, unit_of_work
from netzwerk.factory import configure, register_blueprints, register_commands, register_extensions


def create_app(config_name_or_object=None, overrides: dict | None = None) -> Flask:
    """Build the app. ``config_name_or_object``: a name from ``config.CONFIGS``, a class, or None for
    ``$NETZWERK_CONFIG`` (default production). ``overrides`` are applied last (tests)."""
    instance = os.environ.get("NETZWERK_INSTANCE_PATH") or None  # default: instance/ beside the package
    app = Flask(__name__, instance_path=instance, instance_relative_config=True, template_folder="../templates")
    configure(app, config_name_or_object, overrides)
    security.init_app(app)  # first, so the access check answers before the CSRF check
    unit_of_work.init_app(app)  # after security: its commit runs before the security headers are set
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    errors.init_app(app)
    return app
