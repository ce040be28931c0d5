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
    package_data={"dxpy": ["api_routes.json"]},
    python_requires=">=3.8",
    install_requires=["requests>=2.25"],
    extras_require={
        "test": ["pytest>=7", "argcomplete>=1.9", "responses>=0.23", "requests-mock>=1.11",
                 "websocket-client>=1.2", "crc32c>=2.7.1", "awscrt>=0.23.4"],
        "completion": ["argcomplete>=1.9"],
        # CRC32C and CRC64NVME checksums of symlinked files' parts (the fastest measured).
        "checksums": ["crc32c>=2.7.1", "awscrt>=0.23.4"],
        "watch": ["websocket-client>=1.2"],  # dx watch: the job log stream is a WebSocket
    },
    entry_points={
        "pytest11": ["dxpy_emulator = dxpy.emulator.pytest_plugin"],
        "console_scripts": [
            "dx = dxpy.scripts.dx:main",
            "dx-build-app = dxpy.scripts.dx_build_app:main",
            "dx-build-applet = dxpy.scripts.dx_build_applet:main",
            "dx-jobutil-add-output = dxpy.scripts.dx_jobutil_add_output:main",
            "dx-jobutil-dxlink = dxpy.scripts.dx_jobutil_dxlink:main",
            "dx-jobutil-new-job = dxpy.scripts.dx_jobutil_new_job:main",
            "dx-jobutil-parse-link = dxpy.scripts.dx_jobutil_parse_link:main",
            "dx-jobutil-report-error = dxpy.scripts.dx_jobutil_report_error:main",
            "dx-jobutil-get-identity-token = dxpy.scripts.dx_jobutil_get_identity_token:main",
            "dx-download-all-inputs = dxpy.scripts.dx_download_all_inputs:main",
            "dx-upload-all-outputs = dxpy.scripts.dx_upload_all_outputs:main",
            "dx-print-bash-vars = dxpy.scripts.dx_print_bash_vars:main",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "License :: OSI Approved :: Apache Software License",
    ],
)
