"""A QR code as an SVG data URI for an <img> (no Pillow; the page's CSP allows data: images and
no inline style, and an image's SVG brings none into the page)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """``text`` (an otpauth:// URL) as a QR code: ``data:image/svg+xml;base64,...``."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
