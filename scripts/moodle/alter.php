<?php
// Changes an existing course as a teacher or an administrator would in Moodle's pages, for specs:
// delete activities, add activities (Moodle's data generator), suspend learners' enrolments.
// Usage: php alter.php <moodle tree> <spec.json>
// spec: {"courseId": n, "deleteCmids": [cmid, ...],
//        "addModules": [{"modname", "name", "section", "idnumber", "completion", "completionview", ...}],
//        "suspend": ["username", ...]}
// Prints {"cmids": {"<idnumber or name>": cmid}, "instances": {...}}.
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
require $tree . '/config.php';
require_once($CFG->libdir . '/testing/generator/lib.php');
require_once($CFG->dirroot . '/course/lib.php');

$spec = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
\core\session\manager::set_user(get_admin());
$courseid = (int) $spec['courseId'];
$out = ['cmids' => [], 'instances' => []];

foreach ($spec['deleteCmids'] ?? [] as $cmid) {
    course_delete_module((int) $cmid);
}
$generator = new testing_data_generator();
foreach ($spec['addModules'] ?? [] as $m) {
    $record = $m;
    unset($record['modname']);
    $record['course'] = $courseid;
    $instance = $generator->create_module($m['modname'], $record, ['section' => $m['section'] ?? 1]);
    $key = $m['idnumber'] ?? $m['name'];
    $out['cmids'][$key] = (int) $instance->cmid;
    $out['instances'][$key] = (int) $instance->id;
}
if (!empty($spec['suspend'])) {
    $plugin = enrol_get_plugin('manual');
    $instance = $DB->get_record('enrol', ['courseid' => $courseid, 'enrol' => 'manual'], '*', MUST_EXIST);
    foreach ($spec['suspend'] as $username) {
        $user = $DB->get_record('user', ['username' => $username], '*', MUST_EXIST);
        $plugin->update_user_enrol($instance, $user->id, ENROL_USER_SUSPENDED);
    }
}
rebuild_course_cache($courseid, true);
echo json_encode($out), "\n";
