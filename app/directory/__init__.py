"""Administrative units and agencies: who is where."""
