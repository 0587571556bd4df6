"""Serving a certificate's file once the caller has been checked."""

from django.http import HttpRequest, HttpResponseBase

from core.downloads import PrivateFile, serve_private_file

from .models import TeacherCertificate


def serve_certificate(request: HttpRequest, certificate: TeacherCertificate) -> HttpResponseBase:
    extension = (certificate.file.name or "").rsplit(".", 1)[-1]
    item = PrivateFile(certificate.file, certificate.content_type, f"certificate.{extension}")
    return serve_private_file(request, item)
