"""dx-jobutil-parse-link: print the object ID (or ``project:object``) a DNAnexus link points to."""
import argparse
import json


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-jobutil-parse-link",
                                     description="Parse a dxlink JSON hash into an object ID or project:object-id "
                                                 "tuple")
    parser.add_argument("dxlink", help="Link to parse")
    parser.add_argument("--no-project", action="store_true",
                        help="Ignore project ID in an extended dxlink - just print the object ID")
    return parser


def link_target(text, no_project=False):
    """The text dx-jobutil-parse-link prints for the link *text*; ValueError saying what is wrong."""
    try:
        parsed = json.loads(text)
    except ValueError:
        raise ValueError("Unable to parse link as JSON")
    if not isinstance(parsed, dict) or "$dnanexus_link" not in parsed:
        raise ValueError("Unable to parse link: no $dnanexus_link key")
    link = parsed["$dnanexus_link"]
    if isinstance(link, str):
        return link
    if not isinstance(link, dict) or not isinstance(link.get("id"), str):
        raise ValueError("Unable to parse link: the $dnanexus_link value is neither an ID nor a hash with key "
                         '"id": %s' % json.dumps(link))
    if no_project:
        return link["id"]
    if not isinstance(link.get("project"), str):
        raise ValueError('Unable to parse link: no "project" in %s (use --no-project to print the ID alone)'
                         % json.dumps(link))
    return "{}:{}".format(link["project"], link["id"])


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        print(link_target(args.dxlink, no_project=args.no_project))
    except ValueError as e:
        parser.exit(1, str(e) + "\n")


if __name__ == "__main__":
    main()
