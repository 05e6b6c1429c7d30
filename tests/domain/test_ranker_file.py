"""`ranker train` folds feedback in and saves the model; servers start from it only when it fits their data."""

from __future__ import annotations

from recommender import create_app
from recommender.domain import ranker_file
from recommender.domain.ranking import candidates_for, train_ranker
from tests.conftest import TODAY, person

YOUNG = person(age=19, status="job_seeker", education_level="none")


def test_servers_start_from_the_trained_file_and_ignore_one_for_other_data(tmp_path):
    path = tmp_path / "ranker.npz"
    first = create_app({"RANKER_FILE": path})
    result = first.test_cli_runner().invoke(args=["ranker", "train"])
    assert result.exit_code == 0, result.output
    assert path.is_file() and "saved to" in result.output
    knowledge = first.extensions["pathways"].knowledge
    loaded = ranker_file.load(path, knowledge, ranker_file.fingerprint(knowledge, first.config))
    assert loaded is not None
    other_alpha = {**first.config, "RANKER_ALPHA": 0.5}
    assert ranker_file.load(path, knowledge, ranker_file.fingerprint(knowledge, other_alpha)) is None
    _, summary = ranker_file.ranker_for(knowledge, first.config)
    assert summary.startswith("loaded from")


def test_feedback_folded_into_training_moves_a_service(app, recommender):
    knowledge = recommender.knowledge
    candidates = candidates_for(knowledge.rules, YOUNG, TODAY)
    before = [r.service_id for r in recommender.ranker.rank(YOUNG, candidates)]
    # Many people like this one found the Service civique the most useful.
    feedback = [(YOUNG, "service-civique", 3, 2.0)] * 40
    ranker, summary = train_ranker(knowledge, app.config, feedback=feedback)
    after = [r.service_id for r in ranker.rank(YOUNG, candidates)]
    assert after.index("service-civique") < before.index("service-civique")
    assert sorted(after) == sorted(before)
    assert "40 feedback rows" in summary


def test_a_corrupt_file_is_ignored_and_the_server_still_starts(tmp_path):
    path = tmp_path / "ranker.npz"
    path.write_bytes(b"not a model")
    app = create_app({"RANKER_FILE": path})
    assert app.extensions["pathways"].recommend(YOUNG, TODAY, "fr")["recommendations"]
