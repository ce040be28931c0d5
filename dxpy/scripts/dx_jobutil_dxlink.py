"""dx-jobutil-dxlink: print the DNAnexus link for ``<object ID>`` or ``<project ID>:<object ID>``."""
import argparse
import json

DESCRIPTION = ('Creates a DNAnexus link from an object ID or "<project ID>:<object ID>" string.  The result is of '
               'the form {"$dnanexus_link": "<object ID>"} or {"$dnanexus_link": {"project": <project ID>, "id": '
               '<object ID>}}, as appropriate.')


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-jobutil-dxlink", description=DESCRIPTION)
    parser.add_argument("object", help='Data object ID or "<Project ID>:<Data object ID>" to package into a '
                                       'DNAnexus link')
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    parts = args.object.split(":")
    if len(parts) == 1:
        link = {"$dnanexus_link": args.object}
    elif len(parts) == 2 and all(parts):
        link = {"$dnanexus_link": {"project": parts[0], "id": parts[1]}}
    else:
        parser.exit(1, 'Cannot make a link from %r: expected "<object ID>" or "<project ID>:<object ID>"\n'
                    % args.object)
    print(json.dumps(link))


if __name__ == "__main__":
    main()
