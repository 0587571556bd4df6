"""Engines: one interface per engine kind, backends chosen by configuration."""
