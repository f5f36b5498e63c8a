<?php
// Imports an IMS Common Cartridge the way Moodle's web restore does, from the command line:
// admin/cli/restore_backup.php runs no format converter, so this script unpacks the package, lets
// restore_controller detect its format and run Moodle's own converters (imscc11 -> moodle1 ->
// moodle2, backup/cc and backup/converter), then restores it into a new course of category 1.
// Usage: php restore-cartridge.php <moodle tree> <file.imscc>
// Prints {"courseId": n, "format": "imscc11", "sections": [{"number", "name", "summary"}],
//         "modules": [{"modname", "name", "section", "content"}]}   (content: a label's text)
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
$file = $argv[2] ?? '';
require $tree . '/config.php';
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->dirroot . '/backup/util/helper/convert_helper.class.php');

if (!is_readable($file)) {
    fwrite(STDERR, "cannot read $file\n");
    exit(1);
}
$admin = get_admin();
\core\session\manager::set_user($admin);

$backupdir = restore_controller::get_tempdir_name(SITEID, $admin->id);
$path = make_backup_temp_directory($backupdir);
// A cartridge is a zip; the web restore's packer (application/vnd.moodle.backup) reads zips too.
if (!get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($file, $path)) {
    fwrite(STDERR, "cannot unpack $file\n");
    exit(1);
}
$format = backup_general_helper::detect_backup_format($backupdir);

// The CC converter loads its templates from paths relative to <dirroot>/backup (cc/sheets/*.xml).
chdir($CFG->dirroot . '/backup');
$courseid = restore_dbops::create_new_course('Cartridge', 'cartridge-' . random_string(8), 1);
$rc = new restore_controller($backupdir, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL, $admin->id,
    backup::TARGET_NEW_COURSE);
if ($rc->get_status() == backup::STATUS_REQUIRE_CONV) {
    $rc->convert();
}
$rc->execute_precheck();
$rc->execute_plan();
$rc->destroy();

$sections = [];
foreach ($DB->get_records('course_sections', ['course' => $courseid], 'section') as $s) {
    $sections[] = ['number' => (int) $s->section, 'name' => $s->name, 'summary' => $s->summary];
}
$modules = [];
foreach (get_fast_modinfo($courseid)->get_cms() as $cm) {
    $entry = ['modname' => $cm->modname, 'name' => $cm->name, 'section' => (int) $cm->sectionnum, 'content' => null];
    if ($cm->modname === 'label') {
        $entry['content'] = $DB->get_field('label', 'intro', ['id' => $cm->instance]);
    }
    $modules[] = $entry;
}
echo json_encode(['courseId' => (int) $courseid, 'format' => $format, 'sections' => $sections, 'modules' => $modules]), "\n";
