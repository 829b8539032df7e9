"""One adapter per external tool: git and gh (programs), DVC (its Python API); one error each."""
