"""Template filters of the service's pages (Django loads them with ``{% load words %}``)."""
