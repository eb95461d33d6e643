"""``flask --app wsgi backup create FILE`` while the app runs; ``flask --app wsgi backup restore FILE`` into a
new, empty database (then ``flask db upgrade`` if the backup is older than the code)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from netzwerk.backup.services import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Sicherung der Datenbank und ihre Wiederherstellung.")


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def create_command(target: Path) -> None:
    """Write a backup of the configured database to TARGET."""
    try:
        create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Sicherung geschrieben: {target} ({target.stat().st_size} Bytes)")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(source: Path) -> None:
    """Load the backup SOURCE into the configured database, which must be empty."""
    try:
        restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Sicherung geladen: {source}")
