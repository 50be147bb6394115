"""api tokens: keyed digest (HMAC-SHA256) instead of a plain sha256; existing tokens re-issued

The stored form of an API token becomes HMAC-SHA256 under the web app's token key
(`API_TOKEN_KEY`, else derived from `SECRET_KEY`; see web/api/tokens.py), in the same
unique-indexed column `api_token.token_hash`. The old rows hold sha256(token); turning them into
HMAC(key, token) needs the token itself, which is never stored, and the key lives in the web
app's configuration (often a generated file in its instance folder), which Alembic, run from
catalog without Flask, does not see. So the old rows are deleted: they could never match again
and would linger until expiry. Tokens live `API_TOKEN_HOURS` (24 h) anyway; clients get a 401
and re-issue one with `POST /api/v1/tokens`.

Revision ID: b4e1d2c3a5f6
Revises: b4e1c2d3a5f6
Create Date: 2026-12-08 10:00:00
"""

from alembic import op

revision = "b4e1d2c3a5f6"
down_revision = "b4e1c2d3a5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM api_token")


def downgrade() -> None:
    # Keyed digests cannot become plain sha256 either: the tokens are re-issued again.
    op.execute("DELETE FROM api_token")
