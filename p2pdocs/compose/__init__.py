"""Composition: which clauses a document contains, in what order, with what text.

Second stage. The clause library (``library``) is data a legal team owns; ``assemble``
decides which clauses a deal switches on and numbers them; clause text is rendered in a
sandboxed, strict jinja environment (``textenv``) over what it may refer to (``context``),
within bounds (``limits``). ``samples`` are the deals a library is checked against.
``kinds`` is the catalogue of document kinds every later stage reads (here because the
library's outline is by kind).
"""
