"""A partner's logo: an upload checked by its content and re-encoded without metadata."""

import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import undefer

from netzwerk.extensions import db
from netzwerk.partners.models import (
    PartnerLogo,
    Partnership,
)

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 4000  # larger images are refused (pixel bombs)
LOGO_BOX = (800, 800)  # what is kept: the logo shrunk to fit
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class LogoError(ValueError):
    """An upload that is not a usable PNG or JPEG; the message is for the person."""


@dataclass
class ProcessedLogo:
    data: bytes
    content_type: str
    width: int
    height: int


def process_logo(raw: bytes) -> ProcessedLogo:
    """Check an upload by its content (not its name) and re-encode it: no metadata, at most LOGO_BOX."""
    if len(raw) > MAX_LOGO_BYTES:
        raise LogoError(_l("Das Logo ist zu groß: höchstens 2 MB."))
    kind = next((name for magic, name in SIGNATURES.items() if raw.startswith(magic)), None)
    if kind is None:
        raise LogoError(
            _l("Bitte laden Sie das Logo als PNG- oder JPEG-Bild hoch. SVG und andere Formate sind nicht möglich.")
        )
    try:
        with Image.open(io.BytesIO(raw), formats=[kind]) as image:
            if max(image.size) > MAX_LOGO_SIDE:
                raise LogoError(_l("Das Logo ist zu groß: höchstens 4000 × 4000 Pixel."))
            image.load()
            clean = ImageOps.exif_transpose(image)
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise LogoError(_l("Die Datei ist kein lesbares PNG- oder JPEG-Bild.")) from error
    if kind == "JPEG":
        clean = clean.convert("RGB")
    elif clean.mode not in ("RGB", "RGBA", "L", "LA"):
        clean = clean.convert("RGBA")
    clean.thumbnail(LOGO_BOX)
    clean.info = {}  # no EXIF, ICC, text chunks: nothing of the original file but its pixels
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=88)
    else:
        clean.save(out, "PNG", optimize=True)
    return ProcessedLogo(out.getvalue(), f"image/{kind.lower()}", clean.width, clean.height)


def current_logo_data(partnership: Partnership) -> PartnerLogo | None:
    if partnership.logo_id is None:
        return None
    return db.session.scalar(
        select(PartnerLogo)
        .where(PartnerLogo.id == partnership.logo_id, PartnerLogo.partnership_id == partnership.id)
        .options(undefer(PartnerLogo.data))
    )
