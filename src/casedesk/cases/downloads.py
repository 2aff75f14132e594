"""Serving case files to portal, console and API so that a browser never runs one.

A customer's upload is hostile until proven otherwise: an .html or .svg file opened from
casedesk's own origin could run script with the reader's session. So every file goes out as
opaque bytes to save (`application/octet-stream`, `Content-Disposition: attachment`), except the
screenshot formats a browser can show but not execute (PNG, JPEG, GIF), recognised by their
bytes rather than by the name or type the uploader declared. The declared type is only shown.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import Attachment

# Leading bytes of the image formats shown inline; SVG is absent on purpose (it can carry script).
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
OPAQUE = "application/octet-stream"
# Even a document a browser did render could load nothing and run nothing.
SANDBOX_CSP = "default-src 'none'; sandbox"


def shown_inline_type(head: bytes) -> str | None:
    """The image type these leading bytes prove, or None for anything that must be downloaded."""
    for signature, content_type in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def file_response(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    image_type = shown_inline_type(handle.read(8))
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=image_type is None,
        filename=attachment.name,
        content_type=image_type or OPAQUE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    # Other sites cannot embed a case's screenshot with the reader's cookies.
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
