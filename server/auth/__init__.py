"""Who is calling and what they may do: bearer tokens with roles."""
