import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read_version():
    scope = {}
    with open(os.path.join(HERE, "dxpy", "toolkit_version.py")) as fd:
        exec(fd.read(), scope)
    return scope["version"]


setup(
    name="dxpy",
    version=read_version(),
    description="Python client library for the DNAnexus platform API, with a local API emulator",
    long_description=open(os.path.join(HERE, "README.md")).read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    packages=find_packages(include=["dxpy", "dxpy.*"]),
    python_requires=">=3.8",
    install_requires=["requests>=2.25"],
    extras_require={"test": ["pytest>=7"]},
    entry_points={"pytest11": ["dxpy_emulator = dxpy.emulator.pytest_plugin"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "License :: OSI Approved :: Apache Software License",
    ],
)
