"""The seeded pipelines' manifests: real PAIFlow ``core/v1`` YAML, modelled on the published examples.

Built from small dict helpers and dumped with ``yaml.safe_dump`` so every manifest is guaranteed to parse;
the shapes (metadata provider/version/identifier/name, spec inputs/outputs/pipelines/arguments/dependencies,
``{{pipelines.x.outputs.artifacts.y}}`` references, ``withItems``/``withSequence`` loops) follow the seed doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAXCOMPUTE_EXECUTOR = "registry.cn-shanghai.aliyuncs.com/paiflow-core/max-compute-executor:v1.1.4"
_EXEC_PARAM = {"name": "execution", "from": "{{inputs.parameters.execution_maxcompute}}"}


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(manifest: dict[str, Any]) -> str:
    return yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def step(identifier: str, display: str, *, name: str | None = None, deps: list[str] | None = None,
         params: dict[str, Any] | None = None, inputs: dict[str, str] | None = None, provider: str = "pai",
         maxcompute: bool = True, extra_spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """One child pipeline (a node) of a DAG: a PAI-provided component with arguments and dependencies."""
    spec: dict[str, Any] = {}
    arguments: dict[str, Any] = {}
    if inputs:
        arguments["artifacts"] = [{"name": k, "from": f"{{{{pipelines.{v}}}}}"} for k, v in inputs.items()]
    parameters = [{"name": k, "value": v} for k, v in (params or {}).items()]
    if maxcompute:
        parameters.append(dict(_EXEC_PARAM))
    if parameters:
        arguments["parameters"] = parameters
    if arguments:
        spec["arguments"] = arguments
    if deps:
        spec["dependencies"] = list(deps)
    spec.update(extra_spec or {})
    return {
        "apiVersion": "core/v1",
        "metadata": {"provider": provider, "version": "v1", "identifier": identifier,
                     "name": name or identifier, "displayName": display},
        "spec": spec,
    }


def pipeline(identifier: str, name: str, provider: str, children: list[dict[str, Any]], *,
             version: str = "v1", maxcompute: bool = True) -> dict[str, Any]:
    inputs: list[dict[str, Any]] = []
    if maxcompute:
        inputs.append({"name": "execution_maxcompute", "type": "Map", "value": {"spec": {
            "endpoint": "http://service.cn.maxcompute.aliyun-inc.com/api", "odpsProject": "paitui_demo"}}})
    spec: dict[str, Any] = {"inputs": {"parameters": inputs}} if inputs else {}
    spec["pipelines"] = children
    return {"apiVersion": "core/v1",
            "metadata": {"provider": provider, "version": version, "identifier": identifier, "name": name},
            "spec": spec}


def sql_echo(provider: str) -> dict[str, Any]:
    """The single-node pipeline of the seed doc: one container step writing a MaxCompute table."""
    return {
        "apiVersion": "core/v1",
        "metadata": {"provider": provider, "version": "v1", "identifier": "sql_echo", "name": "sql-echo"},
        "spec": {
            "inputs": {"parameters": [{"name": "outputTableName", "type": "String",
                                       "value": "pai_temp_outputTable"}]},
            "outputs": {"artifacts": [{"name": "outputTable", "desc": "SQL Script Output Port",
                                       "metadata": {"type": {"DataSet": {"locationType": "MaxComputeTable"}}}}]},
            "container": {
                "image": MAXCOMPUTE_EXECUTOR,
                "command": ["sh", "-c"],
                "args": ["mkdir -p /pai/outputs/artifacts/outputTable/\n"
                         "echo '{\"metadata\":{\"type\":{\"DataSet\":{\"locationType\":\"MaxComputeTable\"}}}}'"
                         " > /pai/outputs/artifacts/outputTable/metadata\n"],
            },
        },
    }


def source_transform_sql(provider: str) -> dict[str, Any]:
    """The seed doc's 3-node DAG: data_source → type_transform → sql."""
    return pipeline("source_transform_sql", "source-transform-sql", provider, [
        step("data_source", "Read data source", params={"inputTableName": "pai_online_project.wumai_data"}),
        step("type_transform", "Type conversion", deps=["data_source"],
             inputs={"inputTable": "data_source.outputs.artifacts.outputTable"},
             params={"cols_to_double": "time,hour,pm2,pm10,so2,co,no2", "default_int_value": "0",
                     "reserveOldFeat": "false"}),
        step("sql", "SQL script", deps=["type_transform"],
             inputs={"inputTable1": "type_transform.outputs.artifacts.outputTable"},
             params={"sql": "select time,hour,(case when pm2>200 then 1 else 0 end),pm10,so2,co,no2\n"
                            "\tfrom ${t1}"}),
    ])


def fanout_train(provider: str) -> dict[str, Any]:
    """split → 4 parallel training shards → merge → evaluate."""
    shards = [step("xgboost_train", f"XGBoost train shard {i}", name=f"train_shard_{i}", deps=["split"],
                   inputs={"inputTable": f"split.outputs.artifacts.output{i + 1}Table"},
                   params={"objective": "binary:logistic", "num_round": "200", "eta": "0.1"})
              for i in range(4)]
    return pipeline("ctr_fanout_train", "ctr-fanout-train", provider, [
        step("data_source", "Read click logs", params={"inputTableName": "recsys.ctr_samples_30d"}),
        step("split", "Split into 4 shards", deps=["data_source"],
             inputs={"inputTable": "data_source.outputs.artifacts.outputTable"},
             params={"splitCount": "4", "randomSeed": "42"}),
        *shards,
        step("model_merge", "Merge shard models", deps=[f"train_shard_{i}" for i in range(4)],
             inputs={f"model{i}": f"train_shard_{i}.outputs.artifacts.model" for i in range(4)}),
        step("binary_evaluate", "Binary classification evaluation", deps=["model_merge"],
             inputs={"model": "model_merge.outputs.artifacts.model"}, params={"labelColName": "clicked"}),
    ])


def hpo_items(provider: str) -> dict[str, Any]:
    """A Loop node: the same training step once per learning rate (``withItems``), then pick the best."""
    loop = step("xgboost_train", "Train per learning rate", name="train_lr", deps=["split"],
                inputs={"inputTable": "split.outputs.artifacts.output1Table"},
                params={"eta": "{{item}}", "num_round": "100"},
                extra_spec={"withItems": ["0.01", "0.03", "0.1", "0.3"], "parallelism": 2})
    return pipeline("hpo_learning_rate", "hpo-learning-rate", provider, [
        step("data_source", "Read training table", params={"inputTableName": "recsys.ctr_samples_7d"}),
        step("split", "Train/test split", deps=["data_source"],
             inputs={"inputTable": "data_source.outputs.artifacts.outputTable"}, params={"fraction": "0.8"}),
        loop,
        step("binary_evaluate", "Evaluate and select best", deps=["train_lr"],
             inputs={"model": "train_lr.outputs.artifacts.model"}),
    ])


def hpo_sequence(provider: str) -> dict[str, Any]:
    """A Loop node over random seeds (``withSequence``)."""
    loop = step("pytorch_train", "Train with seed", name="train_seed", maxcompute=False, deps=["read_oss"],
                params={"seed": "{{item}}", "epochs": "5"},
                extra_spec={"withSequence": {"start": 1, "end": 5, "format": "seed-%02d"}, "parallelism": 3})
    return pipeline("seed_sweep", "seed-sweep", provider, [
        step("read_oss", "Read OSS dataset", maxcompute=False,
             params={"ossPath": "oss://paitui-demo/datasets/cifar10/"}),
        loop,
        step("model_evaluate", "Aggregate seed metrics", maxcompute=False, deps=["train_seed"]),
    ], maxcompute=False)


def nested_dag(provider: str) -> dict[str, Any]:
    """A Dag node that contains its own tasks (an inline sub-pipeline)."""
    features = {
        "apiVersion": "core/v1",
        "metadata": {"provider": provider, "version": "v1", "identifier": "feature_block",
                     "name": "features", "displayName": "Feature engineering block"},
        "spec": {"dependencies": ["data_source"], "pipelines": [
            step("fill_missing", "Fill missing values",
                 inputs={"inputTable": "data_source.outputs.artifacts.outputTable"}),
            step("normalize", "Normalize", deps=["fill_missing"],
                 inputs={"inputTable": "fill_missing.outputs.artifacts.outputTable"}),
            step("one_hot", "One-hot encode", deps=["fill_missing"],
                 inputs={"inputTable": "fill_missing.outputs.artifacts.outputTable"}),
            step("sql", "Join features", name="join_features", deps=["normalize", "one_hot"],
                 params={"sql": "select * from ${t1} join ${t2} using (user_id)"}),
        ]},
    }
    return pipeline("churn_nested", "churn-nested", provider, [
        step("data_source", "Read churn table", params={"inputTableName": "crm.churn_labels"}),
        features,
        step("logistic_regression_train", "Logistic regression", name="lr_train", deps=["features"],
             inputs={"inputTable": "features.outputs.artifacts.outputTable"}),
        step("binary_evaluate", "Evaluate", deps=["lr_train"],
             inputs={"model": "lr_train.outputs.artifacts.model"}),
    ])


def etl_chain(provider: str) -> dict[str, Any]:
    """A long linear ETL chain (8 steps)."""
    names = [("data_source", "Read raw events"), ("filter", "Filter bots"), ("type_transform", "Cast types"),
             ("dedup", "Deduplicate"), ("sessionize", "Sessionize"), ("aggregate", "Daily aggregates"),
             ("sql", "Enrich with dims"), ("write_table", "Write ads_daily")]
    children = []
    for i, (ident, display) in enumerate(names):
        deps = [names[i - 1][0]] if i else None
        inputs = {"inputTable": f"{names[i - 1][0]}.outputs.artifacts.outputTable"} if i else None
        params = {"inputTableName": "ods.events_hourly"} if i == 0 else None
        children.append(step(ident, display, deps=deps, inputs=inputs, params=params))
    return pipeline("etl_daily_events", "etl-daily-events", provider, children)


def feature_engineering(provider: str) -> dict[str, Any]:
    """A shared pipeline, reused by ``recsys_weekly`` as a sub-pipeline."""
    return pipeline("feature_engineering", "feature-engineering", provider, [
        step("data_source", "Read user profiles", params={"inputTableName": "recsys.user_profile"}),
        step("fill_missing", "Fill missing values", deps=["data_source"],
             inputs={"inputTable": "data_source.outputs.artifacts.outputTable"}),
        step("normalize", "Normalize", deps=["fill_missing"],
             inputs={"inputTable": "fill_missing.outputs.artifacts.outputTable"}),
    ])


def recsys_weekly(provider: str) -> dict[str, Any]:
    """References ``feature_engineering`` by provider/identifier/version: expanded as a nested Dag."""
    sub = {"apiVersion": "core/v1",
           "metadata": {"provider": provider, "version": "v1", "identifier": "feature_engineering",
                        "name": "features", "displayName": "feature-engineering (shared)"},
           "spec": {}}
    return pipeline("recsys_weekly", "recsys-weekly", provider, [
        sub,
        step("xgboost_train", "Train ranker", name="train", deps=["features"],
             inputs={"inputTable": "features.outputs.artifacts.outputTable"}),
        step("binary_evaluate", "Evaluate ranker", deps=["train"],
             inputs={"model": "train.outputs.artifacts.model"}),
        step("model_export", "Export to EAS", deps=["binary_evaluate"], maxcompute=False,
             params={"serviceName": "ranker_v{{run.date}}"}),
    ])


def image_finetune(provider: str) -> dict[str, Any]:
    return pipeline("image_cls_finetune", "image-cls-finetune", provider, [
        step("read_oss", "Read labelled images", maxcompute=False,
             params={"ossPath": "oss://paitui-vision/labelled/v3/"}),
        step("image_preprocess", "Resize and augment", deps=["read_oss"], maxcompute=False),
        step("pytorch_train", "Fine-tune ResNet-50", name="finetune", deps=["image_preprocess"],
             maxcompute=False, params={"epochs": "8", "lr": "3e-4", "instanceType": "ecs.gn7i-c8g1.2xlarge"}),
        step("model_evaluate", "Top-1 accuracy", deps=["finetune"], maxcompute=False),
        step("model_register", "Register model", deps=["model_evaluate"], maxcompute=False),
    ], maxcompute=False)


def llm_sft(provider: str) -> dict[str, Any]:
    """Typed input parameters (Int, Double, Bool, an enum String, one without a default) that the nodes
    read as ``{{inputs.parameters.x}}``: what a new run is asked for."""
    doc = pipeline("llm_sft", "llm-sft", provider, [
        step("read_oss", "Read SFT corpus", maxcompute=False, params={"ossPath": "{{inputs.parameters.corpus}}"}),
        step("tokenize", "Tokenize", deps=["read_oss"], maxcompute=False),
        step("sft_train", "Supervised fine-tuning (Qwen2.5-7B)", deps=["tokenize"], maxcompute=False,
             params={"epochs": "{{inputs.parameters.epochs}}", "learningRate": "{{inputs.parameters.learning_rate}}",
                     "useLora": "{{inputs.parameters.use_lora}}", "precision": "{{inputs.parameters.precision}}",
                     "loraRank": "16"}),
        step("llm_evaluate", "Evaluate on C-Eval", deps=["sft_train"], maxcompute=False,
             params={"suite": "{{inputs.parameters.eval_suite}}"}),
        step("model_export", "Export checkpoint", deps=["llm_evaluate"], maxcompute=False),
    ], maxcompute=False)
    doc["spec"] = {"inputs": {"parameters": [
        {"name": "corpus", "type": "String", "value": "oss://paitui-llm/sft/"},
        {"name": "epochs", "type": "Int", "value": 3},
        {"name": "learning_rate", "type": "Double", "value": 1e-5},
        {"name": "use_lora", "type": "Bool", "value": True},
        {"name": "precision", "type": "String", "value": "bf16", "feasible": {"enum": ["bf16", "fp16", "fp32"]}},
        {"name": "eval_suite", "type": "String", "desc": "benchmark to evaluate on (no default: asked each run)"},
    ]}, **doc["spec"]}
    return doc


def text_dedup(provider: str) -> dict[str, Any]:
    return pipeline("text_dedup", "text-dedup", provider, [
        step("data_source", "Read crawl", params={"inputTableName": "corpus.web_crawl"}),
        step("dedup", "MinHash dedup", deps=["data_source"],
             inputs={"inputTable": "data_source.outputs.artifacts.outputTable"}),
        step("filter", "Quality filter", deps=["dedup"],
             inputs={"inputTable": "dedup.outputs.artifacts.outputTable"}),
        step("write_table", "Write corpus", deps=["filter"],
             inputs={"inputTable": "filter.outputs.artifacts.outputTable"}),
    ])


@dataclass(frozen=True, slots=True)
class PipelineSeed:
    build: Any  # Callable[[str], dict] – takes the provider (creator's account id)
    workspace_id: str
    creator_index: int  # index into world.users
    shared: bool = False  # subscribed by other users as a shared pipeline: cannot be deleted


# Order matters for determinism; feature_engineering precedes recsys_weekly which references it.
SEEDS: tuple[PipelineSeed, ...] = (
    PipelineSeed(sql_echo, "264903", 3),
    PipelineSeed(source_transform_sql, "264903", 3),
    PipelineSeed(fanout_train, "264903", 3),
    PipelineSeed(hpo_items, "264904", 0),
    PipelineSeed(hpo_sequence, "264902", 2),
    PipelineSeed(nested_dag, "264904", 0),
    PipelineSeed(etl_chain, "264901", 1),
    PipelineSeed(feature_engineering, "264903", 3, shared=True),
    PipelineSeed(recsys_weekly, "264903", 3),
    PipelineSeed(image_finetune, "264902", 2),
    PipelineSeed(llm_sft, "264901", 1),
    PipelineSeed(text_dedup, "264901", 5, shared=True),
)
