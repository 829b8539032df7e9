"""Every type a model file may name, exactly, by the skops loader that builds it.

skops rebuilds objects from names written in the file: `ObjectNode` creates the named class,
`TypeNode`, `NdArrayNode` and `DictNode` keys *call* the named type, and other loaders call
named functions. A name is accepted only when it is in this table for its loader; there is no
prefix matching (`numpy.*` once let `numpy.distutils.fcompiler.gnu.Popen` through) and no
loader that calls a function (`FunctionNode`, `ConstructorFromReduceNode`, ...) is allowed.

The tables were measured: each family's pipeline fitted on numeric, categorical and missing
values, with integer and string labels, and dumped (`tests/model/test_trusted_types.py` measures
again and fails when scikit-learn or skops write a type the table lacks, or no longer write one
it lists). An estimator outside the table loads only with its types listed, after review, in
`model.trusted_types` in params.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Plain data: Python's and NumPy's scalar types, arrays and dtypes. Calling one of these on a
# value (`numpy.float64("1")`, `str(key)`) cannot run code.
DATA_TYPES = frozenset(
    {
        "builtins.bool",
        "builtins.bytes",
        "builtins.complex",
        "builtins.float",
        "builtins.int",
        "builtins.str",
        "numpy.ndarray",
        "numpy.dtype",
        *(
            f"numpy.{name}"
            for name in [
                "bool",
                "bool_",
                "bytes_",
                "str_",
                "complex64",
                "complex128",
                "float16",
                "float32",
                "float64",
                "int8",
                "int16",
                "int32",
                "int64",
                "uint8",
                "uint16",
                "uint32",
                "uint64",
                "datetime64",
                "timedelta64",
                "object_",
            ]
        ),
    }
)

# Loaders that only hold data of a fixed Python type.
CONTAINERS: Mapping[str, frozenset[str]] = {
    "DictNode": frozenset({"builtins.dict"}),
    "ListNode": frozenset({"builtins.list"}),
    "TupleNode": frozenset({"builtins.tuple"}),
    "SliceNode": frozenset({"builtins.slice"}),
    "JsonNode": frozenset({"builtins.str"}),  # the content is JSON text, parsed as data
}
DATA_LOADERS = frozenset({"TypeNode", "DTypeNode", "NdArrayNode"})
# Loaders that create scikit-learn or NumPy objects of the named class.
OBJECT_LOADERS = frozenset(
    {"ObjectNode", "TreeNode", "LossNode", "RandomStateNode", "RandomGeneratorNode"}
)
# A reference to an object the file already built: it names no type of its own.
REFERENCE_LOADER = "CachedNode"

# What mlgate's preprocessing (`build_pipeline`) is made of, whatever the estimator.
PIPELINE_TYPES = frozenset(
    {
        "sklearn.pipeline.Pipeline",
        "sklearn.compose._column_transformer.ColumnTransformer",
        "sklearn.impute._base.SimpleImputer",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._encoders.OneHotEncoder",
    }
)

_TREE = "sklearn.tree._tree.Tree"
_BINARY_LOSS = frozenset(
    {
        "sklearn._loss._loss.CyHalfBinomialLoss",
        "sklearn._loss._loss.CyHalfMultinomialLoss",
        "sklearn._loss.link.Interval",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.MultinomialLogit",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
    }
)
_SQUARED_LOSS = frozenset(
    {
        "sklearn._loss._loss.CyHalfSquaredError",
        "sklearn._loss.link.IdentityLink",
        "sklearn._loss.link.Interval",
        "sklearn._loss.loss.HalfSquaredError",
    }
)
_HIST = frozenset(
    {
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "numpy.random._generator.Generator",
    }
)
_NEIGHBOURS = frozenset(
    {
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.neighbors._kd_tree.KDTree",
    }
)
_RANDOM_STATE = "numpy.random.mtrand.RandomState"

# Keyed by the import path params.yaml names (`model.estimator`).
FAMILIES: Mapping[str, frozenset[str]] = {
    "sklearn.ensemble.RandomForestClassifier": frozenset(
        {
            "sklearn.ensemble._forest.RandomForestClassifier",
            "sklearn.tree._classes.DecisionTreeClassifier",
            _TREE,
        }
    ),
    "sklearn.ensemble.RandomForestRegressor": frozenset(
        {
            "sklearn.ensemble._forest.RandomForestRegressor",
            "sklearn.tree._classes.DecisionTreeRegressor",
            _TREE,
        }
    ),
    "sklearn.ensemble.ExtraTreesClassifier": frozenset(
        {
            "sklearn.ensemble._forest.ExtraTreesClassifier",
            "sklearn.tree._classes.ExtraTreeClassifier",
            _TREE,
        }
    ),
    "sklearn.ensemble.ExtraTreesRegressor": frozenset(
        {
            "sklearn.ensemble._forest.ExtraTreesRegressor",
            "sklearn.tree._classes.ExtraTreeRegressor",
            _TREE,
        }
    ),
    "sklearn.tree.DecisionTreeClassifier": frozenset(
        {"sklearn.tree._classes.DecisionTreeClassifier", _TREE}
    ),
    "sklearn.tree.DecisionTreeRegressor": frozenset(
        {"sklearn.tree._classes.DecisionTreeRegressor", _TREE}
    ),
    "sklearn.ensemble.GradientBoostingClassifier": _BINARY_LOSS
    | {
        "sklearn.ensemble._gb.GradientBoostingClassifier",
        "sklearn.dummy.DummyClassifier",
        "sklearn.tree._classes.DecisionTreeRegressor",
        _TREE,
        _RANDOM_STATE,
    },
    "sklearn.ensemble.GradientBoostingRegressor": _SQUARED_LOSS
    | {
        "sklearn.ensemble._gb.GradientBoostingRegressor",
        "sklearn.dummy.DummyRegressor",
        "sklearn.tree._classes.DecisionTreeRegressor",
        _TREE,
        _RANDOM_STATE,
    },
    "sklearn.ensemble.HistGradientBoostingClassifier": _BINARY_LOSS
    | _HIST
    | {
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.preprocessing._label.LabelEncoder",
    },
    "sklearn.ensemble.HistGradientBoostingRegressor": _SQUARED_LOSS
    | _HIST
    | {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor"},
    "sklearn.linear_model.LogisticRegression": frozenset(
        {"sklearn.linear_model._logistic.LogisticRegression"}
    ),
    "sklearn.linear_model.LinearRegression": frozenset(
        {"sklearn.linear_model._base.LinearRegression"}
    ),
    "sklearn.linear_model.Ridge": frozenset({"sklearn.linear_model._ridge.Ridge"}),
    "sklearn.neighbors.KNeighborsClassifier": _NEIGHBOURS
    | {"sklearn.neighbors._classification.KNeighborsClassifier"},
    "sklearn.neighbors.KNeighborsRegressor": _NEIGHBOURS
    | {"sklearn.neighbors._regression.KNeighborsRegressor"},
}


def family_types(estimator: str) -> frozenset[str]:
    """The estimator's own types, by its params path or by its class's full module path."""
    if estimator in FAMILIES:
        return FAMILIES[estimator]
    return next((types for types in FAMILIES.values() if estimator in types), frozenset())


def object_types(estimator: str, trusted_types: Iterable[str] = ()) -> frozenset[str]:
    """The classes a model file of this estimator may create: pipeline, family, reviewed extras."""
    return PIPELINE_TYPES | family_types(estimator) | frozenset(trusted_types)


def allowed(loader: str, type_name: str, objects: frozenset[str]) -> bool:
    """Whether skops' `loader` may build `type_name` (`objects`: from `object_types`)."""
    if loader in CONTAINERS:
        return type_name in CONTAINERS[loader]
    if loader in DATA_LOADERS:
        return type_name in DATA_TYPES
    if loader in OBJECT_LOADERS:
        return type_name in objects
    return False
