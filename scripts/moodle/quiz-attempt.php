<?php
// A learner's finished quiz attempt, made by Moodle's own quiz generator (what a learner submitting
// the quiz does: the grade is saved, then completion follows it): every question right ("pass") or
// none answered ("fail").
// Usage: php quiz-attempt.php <moodle tree> <quiz cmid> <username> pass|fail
// Prints {"attemptId": n, "grade": x}.
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
require $tree . '/config.php';
require_once($CFG->libdir . '/testing/generator/lib.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');

[$cmid, $username, $outcome] = [(int) ($argv[2] ?? 0), $argv[3] ?? '', $argv[4] ?? ''];
if (!in_array($outcome, ['pass', 'fail'], true)) {
    fwrite(STDERR, "usage: quiz-attempt.php <tree> <quiz cmid> <username> pass|fail\n");
    exit(2);
}
$cm = get_coursemodule_from_id('quiz', $cmid, 0, false, MUST_EXIST);
$user = $DB->get_record('user', ['username' => $username], '*', MUST_EXIST);
\core\session\manager::set_user($user);

$datagenerator = new testing_data_generator();
$attempt = $datagenerator->get_plugin_generator('mod_quiz')->create_attempt($cm->instance, $user->id);
// The quiz generator's submit_responses reads the usage through a unit-test-only method: the same
// steps through the quiz_attempt API (simulated POST data, submit, grade).
$attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
$postdata = [];
if ($outcome === 'pass') {
    $questions = $datagenerator->get_plugin_generator('core_question');
    foreach ($attemptobj->get_slots() as $slot) {
        $qa = $attemptobj->get_question_attempt($slot);
        $question = $qa->get_question();
        $postdata += $questions->get_simulated_post_data_for_question_attempt($qa, $question->summarise_response($question->get_correct_response()), false);
    }
}
$attemptobj->process_submitted_actions(time(), false, $postdata);
$attemptobj->process_submit(time(), false);
$attemptobj->process_grade_submission(time());
$grade = quiz_get_best_grade($DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST), $user->id);
echo json_encode(['attemptId' => (int) $attempt->id, 'grade' => $grade === null ? null : (float) $grade]), "\n";
