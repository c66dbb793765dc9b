def generate_items(*, count: int) -> int:
    raise NotImplementedError
