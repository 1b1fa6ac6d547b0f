/** The AI-feedback half of the training domain: the `feedback` stage and its results. */
export { runFeedbackStage, simulateResponses, type FeedbackStageInput, type FeedbackSummary } from './feedback-stage';
export { getJudgeResults, type JudgeResultsView } from './results';
export { closeSimulatedJudge, resolveJudgeEndpoint, SIMULATED_JUDGE_LABEL } from './endpoint';
export { JudgeClient, JudgeUnavailableError, MalformedJudgementError } from './client';
export { defaultRubric, rubricFor } from './rubrics';
export { readGeneratedSamples, GENERATED_SAMPLES_FILE, type GeneratedSample } from './generated-samples';
export { judgeWinRate, summarizeWinRate, type WinRateResult } from './win-rate';
export { getWinRate, type WinRateView } from './win-rate-view';
export { readEvalResponses, EVAL_RESPONSES_FILE } from './eval-responses';
