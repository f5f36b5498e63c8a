<?php
// Gives every graded activity of a course its grade item again, as Moodle's course reset does with
// « Supprimer toutes les notes » (Reset > Gradebook > Delete all grades: reset_gradebook_grades,
// then grade_grab_course_grades). A course imported from an IMS Common Cartridge needs it: Moodle's
// CC converter writes an empty gradebook (backup/cc/sheets/base.xml), so its quizzes have none.
// Only for a course with no grades yet (just imported): the reset deletes every grade.
// Usage: php rebuild-grade-items.php <moodle tree> <course id>
// Prints {"courseId": n, "gradeItems": {"<module>": count}}.
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
require $tree . '/config.php';
require_once($CFG->libdir . '/gradelib.php');
require_once($CFG->dirroot . '/course/lib.php');

$courseid = (int) ($argv[2] ?? 0);
$course = $DB->get_record('course', ['id' => $courseid], '*', MUST_EXIST);
\core\session\manager::set_user(get_admin());
reset_course_userdata((object) ['id' => $course->id, 'courseid' => $course->id, 'reset_gradebook_grades' => 1]);
$counts = [];
foreach ($DB->get_records('grade_items', ['courseid' => $course->id, 'itemtype' => 'mod']) as $item) {
    $counts[$item->itemmodule] = ($counts[$item->itemmodule] ?? 0) + 1;
}
echo json_encode(['courseId' => (int) $course->id, 'gradeItems' => $counts]), "\n";
