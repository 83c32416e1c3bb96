"""Connections to outside systems of the national e-government: the national public-service
portal (Cổng DVCQG: dossier and feedback sync, dossiers submitted there), sign-in with the
national account (VNeID), the document-management system (iOffice) and the province's Zalo
Official Account.

Each partner has one small interface, a sandbox provider that behaves like the real system
(signatures, failures, timeouts, out-of-order answers) and an HTTP provider. What they share
lives here: every call goes through `calls.run` (timeout, circuit breaker, a redacted log
row), every delivery through the outbox (`outbox`), written in the transaction of the change
that causes it and delivered by the worker in order per subject.
"""
