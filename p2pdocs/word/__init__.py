"""Word: turning composed text into .docx packages, and reading them back.

Third stage, and the only one that touches docxtpl, python-docx and zip files. ``render``
is the entry point (docxtpl's full path); ``fast_render`` the fast path over a template
prepared once; ``zipwriter`` writes reproducible packages; ``package``
reads templates, documents and workbooks safely; ``provenance`` carries what made a document;
``redline*`` writes tracked changes between two versions.
"""
