"""The JSON API under ``/api/`` (Django REST framework; OpenAPI by drf-spectacular at
``/api/openapi.json``): what the pages do, for programs.

Every view authenticates a token (``Authorization: Token <key>``; ``isbenefit users token
EMAIL`` makes one) and asks :mod:`isbenefit.service.access` what its user may see and
change, as the pages do; writes go through :mod:`isbenefit.service.store`,
:mod:`isbenefit.service.issuing`. Nothing here decides who may do what.

- :mod:`.serializers`: request bodies (validated) and answers (described in the OpenAPI);
- :mod:`.views`: exchanges (list, enter, change, confirm, withdraw), closed years' results,
  documents (list, request, download) and document jobs;
- :mod:`.urls`: the addresses, mounted under ``/api/``.
"""
