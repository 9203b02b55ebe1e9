"""The OSTRC overuse questionnaire (OSTRC-O2): its four questions and their published scoring.

Clarsen, Myklebust and Bahr (2013), Br J Sports Med 47:495-502, revised by Clarsen et al. (2020),
Br J Sports Med 54:390-396. Each answer carries points; their sum is a severity score from 0
(no problem) to 100 (could not take part). The words here are loadwatch's own short paraphrase
of each question; the points are the published ones.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Question:
    """One question of the check-in.

    Attributes:
        option: The ``loadwatch log check-in`` option that answers it (``--participation``).
        text: The question, as the terminal asks it.
        answers: Each answer's words, in the order of their numbers (0, 1, 2...).
        points: Each answer's points in the severity score.
    """

    option: str
    text: str
    answers: tuple[str, ...]
    points: tuple[int, ...]


#: The four questions, in the questionnaire's order.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "participation",
        "Over the past week, have you had difficulty taking part in your running because of a "
        "pain, injury or other problem?",
        (
            "full participation without a problem",
            "full participation, but with a problem",
            "reduced participation because of a problem",
            "could not take part because of a problem",
        ),
        (0, 8, 17, 25),
    ),
    Question(
        "volume",
        "Over the past week, how much have you cut down your training because of a problem?",
        ("no reduction", "a little", "a moderate amount", "a lot", "could not take part"),
        (0, 6, 13, 19, 25),
    ),
    Question(
        "performance",
        "Over the past week, how much has a problem affected how well you ran?",
        ("no effect", "a little", "a moderate amount", "a lot", "could not take part"),
        (0, 6, 13, 19, 25),
    ),
    Question(
        "symptoms",
        "Over the past week, how much pain or other symptoms have you had?",
        ("none", "mild", "moderate", "severe"),
        (0, 8, 17, 25),
    ),
)


def score(answers: tuple[int, ...]) -> int:
    """The severity score, 0-100, of four answers (each the number of its answer, from 0).

    Raises:
        ValueError: Not four answers, or one outside its question's range.
    """
    if len(answers) != len(QUESTIONS):
        raise ValueError(f"the check-in has {len(QUESTIONS)} answers, not {len(answers)}")
    total = 0
    for question, answer in zip(QUESTIONS, answers, strict=True):
        if not 0 <= answer < len(question.answers):
            raise ValueError(
                f"{question.option} must be from 0 to {len(question.answers) - 1}, not {answer}"
            )
        total += question.points[answer]
    return total


def substantial(answers: tuple[int, ...]) -> bool:
    """Whether the answers make a *substantial* problem as the questionnaire defines it: a
    moderate or greater cut in training or effect on performance, or no participation."""
    participation, volume, performance, _ = answers
    return participation == 3 or volume >= 2 or performance >= 2
