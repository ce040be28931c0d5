"""The common categories of apps (``dx find apps --category-help``, and the completion of
``--category``); an app may name others too."""
APP_CATEGORIES = frozenset([
    "Annotation",
    "Assembly",
    "Debugging",
    "Export",
    "Import",
    "Interactive",
    "Machine Learning",
    "Mappings Manipulation",
    "Read Manipulation",
    "Read Mapping",
    "Reports",
    "RNA-Seq",
    "Statistics",
    "Structural Variation",
    "Translational Informatics",
    "Variation Calling",
])
