"""dx-download-all-inputs: download every file input of the job under ``$HOME/in``."""
import argparse

from ..utils.printing import BOLD, fill, refill_paragraphs
from ..utils.resolver import try_call

DESCRIPTION = BOLD("Note") + """: this is a utility for use by bash apps
running in the DNAnexus Platform.

Downloads all files that were supplied as inputs to the app.  By
convention, if an input parameter "FOO" has value

    {"$dnanexus_link": "file-xxxx"}

and filename INPUT.TXT, then the linked file will be downloaded into the
path:

    $HOME/in/FOO/INPUT.TXT

If an input is an array of files, then all files will be placed into
numbered subdirectories under a parent directory named for the
input. For example, if the input key is FOO, and the inputs are {A, B,
C}.vcf then, the directory structure will be:

    $HOME/in/FOO/0/A.vcf
                 1/B.vcf
                 2/C.vcf

Zero padding is used to ensure argument order. For example, if there are
12 input files {A, B, C, D, E, F, G, H, I, J, K, L}.txt, the directory
structure will be:

    $HOME/in/FOO/00/A.vcf
                 ...
                 11/L.vcf

This allows using shell globbing (FOO/*/*.vcf) to get all the files in the input
order.
"""


def add_transfer_options(parser, verb, what):
    """--except, --parallel and --sequential, shared with dx-upload-all-outputs."""
    parser.add_argument("--except", dest="exclude", action="append", default=[],
                        help=fill("Do not %s the input with this name. (May be used multiple times.)" % verb,
                                  width_adjustment=-20))
    parser.set_defaults(parallel=False)
    parser.add_argument("--parallel", dest="parallel", action="store_true",
                        help="%s the files in parallel" % what)
    parser.add_argument("--sequential", dest="parallel", action="store_false",
                        help="%s the files sequentially" % what)


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-download-all-inputs", description=refill_paragraphs(DESCRIPTION),
                                     formatter_class=argparse.RawTextHelpFormatter)
    add_transfer_options(parser, "download", "Download")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    from ..bindings.download_all_inputs import download_all_inputs
    try_call(download_all_inputs, exclude=args.exclude, parallel=args.parallel)


if __name__ == "__main__":
    main()
