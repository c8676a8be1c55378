"""Every sentence isbenefit's documents, ledger template and web service show, in one place,
and the language they are shown in.

A message is a constant with named placeholders (``{year}``), filled by :func:`say`;
no sentence is assembled from fragments, because word order differs between languages.
:func:`N_` (and :func:`N_n` for a singular and plural pair) only marks a text for
extraction into the translation catalog (``scripts/catalogs.py``, Babel); :func:`say`
looks it up in the catalog of the current language, which :func:`language` sets for a
block of code (documents are rendered inside one; the service sets it per request).
Pages of the documents and the service keep their own text in their jinja templates,
translated from the same catalog. English is the source language: it has no catalog,
so English text is exactly the text written here.

The sentences are kept by who reads them (``documents``, ``certificate``, ``ledger``,
``reporting``, ``service``) and the language machinery in ``translation``; every name is
read from here, ``isbenefit.messages``, as ``msg.NAME`` or ``from isbenefit.messages import
NAME``.
"""

from __future__ import annotations

# One namespace for every message: callers need not know which table holds a sentence.
from isbenefit.messages.certificate import *  # noqa: F403
from isbenefit.messages.documents import *  # noqa: F403
from isbenefit.messages.ledger import *  # noqa: F403
from isbenefit.messages.reporting import *  # noqa: F403
from isbenefit.messages.service import *  # noqa: F403
from isbenefit.messages.translation import *  # noqa: F403
