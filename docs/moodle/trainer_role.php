<?php
// Creates, or brings up to date, the site role lms-sync enrols trainers with (config: push.teacher_role_id):
// Moodle's editing teacher, but PROHIBITED from seeing named evaluation answers, changing the questions and
// deleting answers. Managers may assign it. Prints the role's id.
//
// Run once on the Moodle server as the web server's user:  php trainer_role.php /path/to/moodle
define('CLI_SCRIPT', true);
require($argv[1] . '/config.php');

$shortname = 'lmssynctrainer';
$prohibited = ['mod/feedback:viewreports', 'mod/feedback:edititems', 'mod/feedback:deletesubmissions'];
$system = context_system::instance();

$roleid = $DB->get_field('role', 'id', ['shortname' => $shortname]);
if (!$roleid) {
    $roleid = create_role('Referent/in', $shortname,
        'Trainer of a workshop run: like an editing teacher, but without access to named evaluation answers.',
        'editingteacher');
    foreach (get_default_capabilities('editingteacher') as $capability => $permission) {
        assign_capability($capability, $permission, $roleid, $system->id, true);
    }
    set_role_contextlevels($roleid, get_default_contextlevels('editingteacher'));
}
foreach ($prohibited as $capability) {
    assign_capability($capability, CAP_PROHIBIT, $roleid, $system->id, true);
}
$manager = $DB->get_field('role', 'id', ['shortname' => 'manager']);
if ($manager && !$DB->record_exists('role_allow_assign', ['roleid' => $manager, 'allowassign' => $roleid])) {
    core_role_set_assign_allowed($manager, $roleid);
}
$system->mark_dirty();
echo $roleid . "\n";
