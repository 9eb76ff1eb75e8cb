"""Pure analysis over DataFrames (DESIGN.md §3). Imports neither Flask nor SQLAlchemy."""
