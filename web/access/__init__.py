"""Who is signed in and what they may open: sessions and sign-in (auth), role and scope
checks that refuse (authz, over catalog.permissions), and the read log of non-public records."""
