<?php
// Test data through Moodle's own data generator: a course with activities, learners, enrolments.
// Usage: php generate.php <moodle tree> <spec.json>
// spec: {"course": {"fullname", "shortname"}, "sections": ["name", ...],
//        "modules": [{"modname", "name", "section", "idnumber", "completion", "completionview", ...}],
//        "users": [{"username", "password", "firstname", "lastname"}]}   (users are enrolled as students)
// Prints {"courseId": n, "cmids": {"<idnumber or name>": cmid}, "instances": {...}, "users": {"<username>": id}}.
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
require $tree . '/config.php';
require_once($CFG->libdir . '/testing/generator/lib.php');
require_once($CFG->dirroot . '/course/lib.php');

$spec = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
\core\session\manager::set_user(get_admin());
$generator = new testing_data_generator();
$out = ['courseId' => null, 'cmids' => [], 'instances' => [], 'users' => []];

if (isset($spec['course'])) {
    $sections = $spec['sections'] ?? [];
    $course = $generator->create_course(array_merge(
        ['enablecompletion' => 1, 'numsections' => count($sections)],
        $spec['course'],
    ));
    foreach ($sections as $i => $name) {
        $section = $DB->get_record('course_sections', ['course' => $course->id, 'section' => $i + 1], '*', MUST_EXIST);
        course_update_section($course, $section, ['name' => $name]);
    }
    $out['courseId'] = (int) $course->id;
    foreach ($spec['modules'] ?? [] as $m) {
        $record = $m;
        unset($record['modname']);
        $record['course'] = $course->id;
        $instance = $generator->create_module($m['modname'], $record, ['section' => $m['section'] ?? 1]);
        $key = $m['idnumber'] ?? $m['name'];
        $out['cmids'][$key] = (int) $instance->cmid;
        $out['instances'][$key] = (int) $instance->id;
    }
}
// Course completion: every activity that tracks completion is required ("completionCriteria": "all").
if ($out['courseId'] && ($spec['completionCriteria'] ?? '') === 'all') {
    require_once($CFG->dirroot . '/completion/criteria/completion_criteria_activity.php');
    require_once($CFG->libdir . '/completionlib.php');
    $data = (object) ['id' => $out['courseId'], 'criteria_activity' => []];
    foreach ($out['cmids'] as $cmid) {
        $cm = $DB->get_record('course_modules', ['id' => $cmid], 'id, completion', MUST_EXIST);
        if ($cm->completion > 0) $data->criteria_activity[$cmid] = 1;
    }
    (new completion_criteria_activity())->update_config($data);
    $aggregation = new completion_aggregation(['course' => $out['courseId'], 'criteriatype' => COMPLETION_CRITERIA_TYPE_ACTIVITY]);
    $aggregation->setMethod(COMPLETION_AGGREGATION_ALL);
    $aggregation->save();
}
$courseid = $out['courseId'] ?? ($spec['courseId'] ?? null);
foreach ($spec['users'] ?? [] as $u) {
    $user = $generator->create_user($u);
    $out['users'][$u['username']] = (int) $user->id;
    if ($courseid) $generator->enrol_user($user->id, $courseid, 'student');
}
echo json_encode($out), "\n";
