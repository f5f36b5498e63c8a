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

$generator = (new testing_data_generator())->get_plugin_generator('mod_quiz');
$attempt = $generator->create_attempt($cm->instance, $user->id);
$responses = [];
if ($outcome === 'pass') {
    $attemptobj = \mod_quiz\quiz_attempt::create($attempt->id);
    foreach ($attemptobj->get_slots() as $slot) {
        $question = $attemptobj->get_question_attempt($slot)->get_question();
        $responses[$slot] = $question->summarise_response($question->get_correct_response());
    }
}
$generator->submit_responses($attempt->id, $responses, false, true);
$grade = quiz_get_best_grade($DB->get_record('quiz', ['id' => $cm->instance], '*', MUST_EXIST), $user->id);
echo json_encode(['attemptId' => (int) $attempt->id, 'grade' => $grade === null ? null : (float) $grade]), "\n";
