"""SQL logic suite: a package so that its conftest and modules never shadow Tests/interop's."""
