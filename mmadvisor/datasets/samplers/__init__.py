# Copyright (c) mmadvisor contributors.
# Each registered class is imported here, which registers it.

__all__ = []
