"""Serving a material's file once the caller has been checked (``selectors.downloadable``).

On the local file system Django streams the file itself. On remote storage (S3 in
production) the answer is a redirect to a signed URL valid for a minute: the bytes come
from the bucket (with range requests, so players can seek), and the URL is useless to
anyone it is passed on to after that.
"""

from urllib.parse import quote

from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect

from . import conf
from .models import Material


def _disposition(material: Material) -> str:
    return f"inline; filename*=UTF-8''{quote(material.original_name)}"


def serve_material(material: Material) -> HttpResponseBase:
    storage = material.file.storage
    if isinstance(storage, FileSystemStorage):
        response: HttpResponseBase = FileResponse(
            material.file.open("rb"), content_type=material.content_type
        )
        response["Content-Disposition"] = _disposition(material)
    else:
        url = storage.url(
            material.file.name,
            parameters={
                "ResponseContentDisposition": _disposition(material),
                "ResponseContentType": material.content_type,
            },
            expire=conf.download_url_seconds(),
        )
        response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response
