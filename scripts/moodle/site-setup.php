<?php
// Configures a freshly installed throwaway Moodle for Pollen's tests and local development:
// web services over REST, completion tracking, learners allowed to get tokens, and a custom
// service "pollen" listing every function Pollen calls, with a permanent token for the admin.
// Usage: php site-setup.php <moodle tree>   Prints one JSON object: {"adminToken": ..., "mobileToken": ...}.
define('CLI_SCRIPT', true);
$tree = $argv[1] ?? '';
require $tree . '/config.php';
require_once($CFG->libdir . '/adminlib.php');

foreach ([
    'enablewebservices' => 1,
    'enablemobilewebservice' => 1,
    'webserviceprotocols' => 'rest',
    'enablecompletion' => 1,
    'debug' => 0,
    'debugdisplay' => 0,
    'passwordpolicy' => 0,
    'cachejs' => 1,
] as $name => $value) {
    set_config($name, $value);
}

// Learners sign in to Pollen with their Moodle password: /login/token.php needs these.
$userrole = $DB->get_record('role', ['shortname' => 'user'], '*', MUST_EXIST);
$system = context_system::instance();
assign_capability('moodle/webservice:createtoken', CAP_ALLOW, $userrole->id, $system->id, true);
assign_capability('webservice/rest:use', CAP_ALLOW, $userrole->id, $system->id, true);

$functions = [
    'core_webservice_get_site_info', 'core_course_get_courses', 'core_course_get_courses_by_field',
    'core_course_get_contents', 'core_course_get_course_module', 'core_course_get_course_module_by_instance',
    'core_course_get_updates_since', 'core_enrol_get_enrolled_users', 'core_enrol_get_users_courses',
    'core_completion_get_activities_completion_status', 'core_completion_get_course_completion_status',
    'core_completion_update_activity_completion_status_manually', 'core_user_get_users_by_field',
    'core_user_create_users', 'enrol_manual_enrol_users', 'core_course_create_courses',
    'gradereport_user_get_grade_items', 'mod_page_view_page', 'tool_mobile_call_external_functions',
];
$service = $DB->get_record('external_services', ['shortname' => 'pollen']);
if (!$service) {
    $id = $DB->insert_record('external_services', (object) [
        'name' => 'Pollen', 'shortname' => 'pollen', 'enabled' => 1, 'restrictedusers' => 0,
        'downloadfiles' => 0, 'uploadfiles' => 0, 'timecreated' => time(), 'timemodified' => time(),
    ]);
    $service = $DB->get_record('external_services', ['id' => $id], '*', MUST_EXIST);
}
foreach ($functions as $f) {
    if (!$DB->record_exists('external_services_functions', ['externalserviceid' => $service->id, 'functionname' => $f])) {
        $DB->insert_record('external_services_functions', (object) ['externalserviceid' => $service->id, 'functionname' => $f]);
    }
}
// The admin setting's own hook does this when enablemobilewebservice is set through the web UI.
$DB->set_field('external_services', 'enabled', 1, ['shortname' => 'moodle_mobile_app']);
$mobile = $DB->get_record('external_services', ['shortname' => 'moodle_mobile_app'], '*', MUST_EXIST);
$admin = get_admin();
\core\session\manager::set_user($admin);
$token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $admin->id, $system);
$mobiletoken = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $mobile, $admin->id, $system);
echo json_encode(['adminToken' => $token, 'mobileToken' => $mobiletoken]), "\n";
