import click
@click.group()
def cli() -> None:
    """x"""
