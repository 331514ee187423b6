"""Helpers for driving HTML forms through the Flask test client."""
from __future__ import annotations

import re


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a page (CSRF token, submission token), by name."""
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def login(client, email: str, password: str):
    page = client.get("/admin/login")
    return client.post("/admin/login", data={**hidden_fields(page.get_data(as_text=True)), "email": email,
                                              "password": password})
