"""Sign-in with the national account (VNeID / DVCQG single sign-on) over OpenID Connect."""
