"""The dataset commands of dx (``extract_dataset``, ``extract_assay``, ``create_cohort``): they query
the platform's dataset service (Spark SQL over a dataset's database), which this package does not
drive and the emulator does not provide, so each says so and exits 3."""

_SPARK = "queries the platform's dataset service (Spark SQL over the dataset's database)"


def _refuse(command):
    from .pending import needs_platform
    needs_platform(command, _SPARK)


def extract_dataset(args):
    _refuse("extract_dataset")


def extract_assay_germline(args):
    _refuse("extract_assay germline")


def extract_assay_somatic(args):
    _refuse("extract_assay somatic")


def extract_assay_expression(args):
    _refuse("extract_assay expression")


def create_cohort(args):
    _refuse("create_cohort")
