"""A request too large (413), in words naming the limit that applied: an SOP's files, the
attachments (each and together), a multipart body's parts, or a form's text; and the body
read to its end so that nginx delivers the refusal (README "Badan permintaan")."""

from flask import current_app, g, request
from flask_babel import gettext

from engine.bpmn.bundle import MAX_BUNDLE_BYTES
from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.sop.reading import MAX_TABLE_BYTES
from web.time_words import file_size

# The endpoints that take SOP files (BPMN, zip, SOP table): their 413 names the SOP limits.
SOP_UPLOADS = ("admin.processes", "api.deploy_process")
# The uploads that hold their files to limits of their own (an SOP's files, the office
# logo, an account list); every other request with files carries attachments, all of its
# files together at most ALUR_ATTACHMENT_MAX_BYTES (web.edge.install_input_guards).
OWN_LIMIT_UPLOADS = (*SOP_UPLOADS, "admin_identity.office_identity",
                     "admin_user_import.import_users")
# The most one SOP file other than a .zip may be (a BPMN file and an SOP table share it).
SOP_FILE_MAX_BYTES = max(MAX_BPMN_BYTES, MAX_TABLE_BYTES)
# Room in an upload's body for its form fields and part headers besides the files.
MULTIPART_OVERHEAD = 64 * 1024
# The most parts (files and fields together) of one multipart body (Flask's
# ``MAX_FORM_PARTS``, Werkzeug's default), set by ``web.create_app``.
MAX_FORM_PARTS = 1000
# The most of a refused body read and thrown away before its 413 is sent: nginx's
# client_max_body_size (deploy/nginx/alur.conf, 32 MiB) and a little more.
DRAIN_MAX_BYTES = 33 * 2**20


def drain_body() -> None:
    """Read a body refused for its stated length before any of it was read (up to
    ``DRAIN_MAX_BYTES``): a server that answers without reading it closes a connection
    nginx is still writing the body to, and nginx answers 502 instead of the refusal. A
    larger body, or one a parser began to read, is left as it is."""
    length = request.content_length
    if length is None or length > DRAIN_MAX_BYTES or "stream" in request.__dict__:
        return
    body = request.environ["wsgi.input"]
    while length > 0 and (chunk := body.read(min(length, 64 * 1024))):
        length -= len(chunk)


def page_message() -> str:
    """A page's 413 in words the official can act on: the SOP limits on Kelola SOP, the
    attachment limit for a form with files too large, the parts of a form with too many
    files, and the limit of a form's text (``ALUR_MAX_BODY_BYTES``) otherwise (a very long
    comment, with or without a file)."""
    if _file_too_large() and request.endpoint in SOP_UPLOADS:
        return gettext("Berkas SOP terlalu besar: berkas BPMN atau tabel SOP paling besar "
                       "%(bpmn)s MB, satu berkas .zip paling besar %(zip)s MB. Kembali, "
                       "pilih berkas yang lebih kecil, lalu kirim lagi.", **sop_limits())
    if _file_too_large():
        size = file_size(current_app.config["ALUR_ATTACHMENT_MAX_BYTES"])
        return gettext("Berkas atau permintaan terlalu besar: lampiran paling besar "
                       "%(size)s per berkas dan %(total)s bersama-sama dalam satu "
                       "kiriman. Kembali, pilih berkas yang lebih kecil atau kirim sebagian "
                       "dahulu, lalu kirim lagi.", size=size, total=size)
    if _too_many_parts():
        return gettext("Terlalu banyak bagian dalam satu kiriman: paling banyak %(most)d "
                       "berkas dan isian bersama-sama. Kembali, kirim berkasnya sebagian "
                       "dahulu, lalu kirim lagi.", most=MAX_FORM_PARTS)
    limit = current_app.config["ALUR_MAX_BODY_BYTES"] / 1024
    return gettext("Isian terlalu panjang: teks sebuah formulir (di luar berkasnya) paling "
                   "besar %(size)s KB. Kembali, persingkat isiannya, lalu kirim lagi.",
                   size=f"{limit:g}".replace(".", ","))


def api_message() -> tuple[str, dict[str, int]]:
    """An API client's 413: the limit that applied, in words and as ``max_bytes`` (or
    ``max_parts`` for a multipart body of too many parts)."""
    if _file_too_large() and request.endpoint in SOP_UPLOADS:
        return gettext("Berkas SOP terlalu besar: berkas BPMN atau tabel SOP paling besar "
                       "%(bpmn)s MB, satu berkas .zip paling besar %(zip)s MB.",
                       **sop_limits()), {"max_bytes": MAX_BUNDLE_BYTES}
    if _file_too_large():
        limit = current_app.config["ALUR_ATTACHMENT_MAX_BYTES"]
        return gettext("Berkas terlalu besar: lampiran paling besar %(size)s per berkas "
                       "dan %(size)s bersama-sama dalam satu permintaan.",
                       size=file_size(limit)), {"max_bytes": limit}
    if _too_many_parts():
        return gettext("Terlalu banyak bagian multipart: paling banyak %(most)d (berkas dan "
                       "isian bersama-sama).", most=MAX_FORM_PARTS), {"max_parts": MAX_FORM_PARTS}
    limit = current_app.config["ALUR_MAX_BODY_BYTES"]
    return gettext("Badan permintaan terlalu besar: teksnya (di luar berkas) paling besar "
                   "%(size)s KB.",
                   size=f"{limit / 1024:g}".replace(".", ",")), {"max_bytes": limit}


def sop_limits() -> dict[str, str]:
    """The SOP upload limits in MB as a page writes them: ``{"bpmn": "2", "zip": "8"}``
    (a BPMN file and an SOP table share one limit)."""
    return {"bpmn": f"{SOP_FILE_MAX_BYTES / 2**20:g}",
            "zip": f"{MAX_BUNDLE_BYTES / 2**20:g}"}


def _file_too_large() -> bool:
    """Whether a 413 is the upload limit's: a multipart body larger than
    ``MAX_CONTENT_LENGTH`` (or of no stated length), or attachments together larger than
    one request takes (``g.files_together``, web.edge). A smaller one went over the limit
    of its text fields (``MAX_FORM_MEMORY_SIZE``, the body limit) or of its parts."""
    length = request.content_length
    return request.mimetype == "multipart/form-data" and (
        g.get("files_together", False) or length is None
        or length > current_app.config["MAX_CONTENT_LENGTH"])


def _too_many_parts() -> bool:
    """Whether a multipart body within the upload limit was refused for its parts
    (``MAX_FORM_PARTS``): Werkzeug refuses too many parts and a text part over
    ``MAX_FORM_MEMORY_SIZE`` alike. A body no larger than that limit holds no such text
    part; a larger one is read as refused for its parts when at least half of them had
    begun as files (many attachments: ``FormRequest.file_parts_begun``), else for its text
    (a very long Catatan beside a few files)."""
    length = request.content_length
    return request.mimetype == "multipart/form-data" and length is not None and (
        length <= current_app.config["MAX_FORM_MEMORY_SIZE"]
        or 2 * getattr(request, "file_parts_begun", 0) >= MAX_FORM_PARTS)
