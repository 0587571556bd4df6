"""Serving a material's file once the caller has been checked (``selectors.downloadable``);
ranges, signed URLs and headers are core.downloads'."""

from django.http import HttpRequest, HttpResponseBase

from core.downloads import PrivateFile, serve_private_file

from . import conf
from .models import Material


def serve_material(request: HttpRequest, material: Material) -> HttpResponseBase:
    item = PrivateFile(material.file, material.content_type, material.original_name)
    return serve_private_file(request, item, expire=conf.download_url_seconds())
