"""Tells drf-spectacular how the API authenticates (allauth headless JWT)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "allauth.headless.contrib.rest_framework.authentication.JWTTokenAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "The access token from POST /api/auth/app/v1/auth/login (or signup, or "
                "tokens/refresh). Its own specification: /api/auth/openapi.html"
            ),
        }
