"""The input of an executable as given on the command line of ``dx run`` and ``dx add stage``.

``-i name=value`` is typed by the executable's input spec (``int``, ``boolean``, ``file`` found
by path, name or ID, arrays by repeating the option, ...); ``name:class=value`` types an input
the executable does not describe; ``stage.name=value`` (stage ID, name or index) addresses a
stage of a workflow; ``job-xxxx:field`` (``job-xxxx:field.N`` for an array element) stands for a
job's output. ``-j JSON`` and ``-f FILE`` (``-`` for stdin) give a whole input hash.
:class:`ExecutableInputs` gathers them, resolving all data object paths in one batch, and on a
terminal asks for the inputs still missing.
"""
import collections
import functools
import json
import os
import shlex
import sys

import dxpy
from ..bindings.dxworkflow import DXWorkflow  # noqa: F401  (part of this module's namespace)
from . import INTERACTIVE_CLI
from ..compat import basestring  # noqa: F401  (part of this module's namespace)
from ..exceptions import DXCLIError, DXError
from ..utils import OrderedDefaultdict
from ..utils.describe import get_find_executions_string, get_ls_l_desc, get_ls_l_desc_fields, parse_typespec
from ..utils.printing import BOLD, ENDC, GREEN, RED, UNDERLINE, WHITE, fill
from ..utils.resolver import (is_analysis_id,  # noqa: F401  (is_analysis_id: part of the namespace)
                              is_hashid, is_job_id, is_localjob_id, paginate_and_pick,
                              parse_input_keyval, pick, resolve_existing_path, resolve_multiple_existing_paths,
                              split_unescaped)

# ---------------------------------------------------------------------------
# Parsing one value of a known class

dx_data_classes = ['record', 'file', 'applet', 'workflow']

_ARRAY_PREFIX = 'array:'


def _element_class(in_class):
    """The class of one value of *in_class* (``array:file`` -> ``file``)."""
    return in_class[len(_ARRAY_PREFIX):] if in_class.startswith(_ARRAY_PREFIX) else in_class


def parse_bool(string):
    """True for a prefix of "true" (any case) or "1", False for one of "false" or "0"."""
    if string:
        if 'true'.startswith(string.lower()) or string == '1':
            return True
        if 'false'.startswith(string.lower()) or string == '0':
            return False
    raise DXCLIError('Could not resolve "' + string + '" to a boolean')


def _link_to(entity_id, project=None):
    """A link to *entity_id*, naming the project the object was found in when known."""
    if project is None:
        return {'$dnanexus_link': entity_id}
    return {'$dnanexus_link': {'project': project, 'id': entity_id}}


def parse_obj(string, klass):
    """A link to the existing data object of class *klass* that *string* (path, name or ID)
    names; an ID is linked by itself, a path with the project it was found in."""
    if string == '':
        raise DXCLIError('Error: Nonempty string cannot be resolved')
    _project, _folder, found = resolve_existing_path(string)
    if found is None:
        raise DXCLIError('Could not resolve "' + string + '" to a name or ID')
    found_class = found['describe']['class']
    if found_class != klass:
        raise DXCLIError('Error: The given object is of class ' + found_class + ' but an object of class ' +
                         klass + ' was expected.')
    if is_hashid(string):
        return _link_to(found['id'])
    return _link_to(found['id'], found['describe']['project'])


def _parse_string(string):
    return string


def _parse_execution_link(string):
    return {'$dnanexus_link': string}


# Values that are parsed without asking the platform, by class.
_LITERAL_PARSERS = {'boolean': parse_bool,
                    'string': _parse_string,
                    'float': float,
                    'int': int,
                    'hash': json.loads,
                    'job': _parse_execution_link,
                    'app': _parse_execution_link}

parse_input = dict(_LITERAL_PARSERS)
parse_input.update((klass, functools.partial(parse_obj, klass=klass)) for klass in dx_data_classes)


def _construct_jbor(job_id, field_name_and_maybe_index):
    """A job-based object reference to output *field* of *job_id*; ``field.N`` refers to
    element N of an array output."""
    reference = {'job': job_id}
    if '.' in field_name_and_maybe_index:
        field, index = field_name_and_maybe_index.rsplit('.', 1)
        reference['field'] = field
        reference['index'] = int(index)
    else:
        reference['field'] = field_name_and_maybe_index
    return {'$dnanexus_link': reference}


def _jbor_or_none(value):
    """The job-based reference that *value* (``job-xxxx:field``) spells, or None."""
    parts = split_unescaped(':', value)
    if len(parts) == 2 and (is_job_id(parts[0]) or is_localjob_id(parts[0])):
        return _construct_jbor(parts[0], parts[1])
    return None


def parse_input_or_jbor(in_class, value):
    """*value* parsed as one value of *in_class* (arrays: as one element), or as a job-based
    reference when it is one."""
    jbor = _jbor_or_none(value)
    if jbor is not None:
        return jbor
    return parse_input[_element_class(in_class)](value)


# ---------------------------------------------------------------------------
# Asking for inputs on a terminal

_ARRAY_HELP = ', or <ENTER> to finish the list of inputs'
_TOO_MANY_WORDS = ("Error: more than one argument given.  Please quote your entire input or escape your "
                   "whitespace with a backslash '\\'.")


def _readline():
    """The readline module, or None where there is none (it is only needed on a terminal)."""
    try:
        import gnureadline as module  # macOS builds without GNU readline
    except ImportError:
        try:
            import readline as module
        except ImportError:
            return None
    return module


def _label(param_desc):
    return param_desc.get('label', param_desc['name'])


def print_param_help(param_desc):
    """The label and help text of an input, indented."""
    text = UNDERLINE() + _label(param_desc) + ':' + ENDC() + ' ' + param_desc.get('help', '<no extra help available>')
    print(fill(text, initial_indent='  ', subsequent_indent='  '))


def _current_directory_line():
    """Where the user is, for choosing data by path; None when unknown."""
    if dxpy.WORKSPACE_ID is None:
        return None
    try:
        name = dxpy.api.project_describe(dxpy.WORKSPACE_ID)['name']
    except Exception:
        return None
    return 'Your current working directory is ' + name + ':' + dxpy.config.get('DX_CLI_WD', '/')


_DATA_SOURCE_OPTIONS = ['List and choose from available data in the current project',
                        'List and choose from available data in the DNAnexus Reference Genomes Files project',
                        'Select another project to list and choose available data',
                        'Select an output from a previously-run job (current project only)',
                        'Return to original prompt (specify an ID or path directly)']


def _reference_genomes_project():
    """The ID of the public reference genomes project of the current region; None when
    there is none."""
    region = None
    if dxpy.WORKSPACE_ID:
        region = dxpy.describe(dxpy.WORKSPACE_ID).get('region')
    found = dxpy.find_one_project(name='Reference Genome Files:*', public=True, billed_to='org-dnanexus_apps',
                                  level='VIEW', name_mode='glob', region=region, zero_ok=True)
    return None if found is None else found['id']


def _project_picked_by_user():
    """The ID of the project the user picks among those they can view; None: none picked."""
    projects = dxpy.find_projects(level='VIEW', describe=True, explicit_perms=True)
    print('\nProjects to choose from:')
    choice = paginate_and_pick(projects, lambda result: result['describe']['name'])
    return choice['id'] if isinstance(choice, dict) else None


def _picked(generator, render, nothing_message, **options):
    """The item of *generator* the user picks; None (after *nothing_message* when there was
    nothing to pick from) when none was picked."""
    choice = paginate_and_pick(generator, render, **options)
    if choice == 'none found':
        print(nothing_message)
        return None
    if choice == 'none picked':
        return None
    return choice


def _project_of_option(option):
    """The project to list data from for the first three options of _DATA_SOURCE_OPTIONS."""
    if option == 0:
        return dxpy.WORKSPACE_ID
    if option == 1:
        return _reference_genomes_project()
    return _project_picked_by_user()


def _pick_data_object(in_class, param_desc, project):
    """``["project:ID"]`` for the object of *in_class* the user picks in *project*; None
    when there is none (or no project) or none was picked."""
    if project is None:
        print('No compatible data found')
        return None
    found = dxpy.find_data_objects(classname=in_class, typename=param_desc.get('type'),
                                   describe=dict(fields=get_ls_l_desc_fields()), project=project)
    print('\nAvailable data:')
    choice = _picked(found, lambda result: get_ls_l_desc(result['describe']), 'No compatible data found')
    return None if choice is None else [choice['project'] + ':' + choice['id']]


def _job_output_names(job_desc):
    """Names of the outputs of a job: those it has, else those its executable declares;
    None when neither is known."""
    if job_desc.get('output') is not None:
        return list(job_desc['output'])
    executable_desc = dxpy.get_handler(job_desc.get('app') or job_desc['applet']).describe()
    if 'outputSpec' not in executable_desc:
        return None
    return [spec['name'] for spec in executable_desc['outputSpec']]


def _ask_for_output_field(job_id):
    print('No output spec found for the executable')
    try:
        field = input('Output field to use (^C or <ENTER> to cancel): ')
    except KeyboardInterrupt:
        return None
    return [job_id + ':' + field] if field else None


def _job_line(result):
    return get_find_executions_string(result['describe'], has_children=False, single_result=True)


def _may_have_outputs(result):
    return result['describe']['state'] not in ('unresponsive', 'terminating', 'terminated', 'failed')


def _pick_job_output():
    """``["job-xxxx:field"]`` for an output of a job of the current project the user picks;
    None when there is none or none was picked."""
    jobs = dxpy.find_jobs(project=dxpy.WORKSPACE_ID, describe=True, parent_job='none')
    print()
    print('Previously-run jobs to choose from:')
    choice = _picked(jobs, _job_line, 'No jobs found', filter_fn=_may_have_outputs)
    if choice is None:
        return None
    names = _job_output_names(choice['describe'])
    if names is None:
        return _ask_for_output_field(choice['id'])
    if len(names) > 1:
        print('\nOutput fields to choose from:')
        return [choice['id'] + ':' + names[pick(names)]]
    if len(names) == 1:
        print('Using the only output field: ' + names[0])
        return [choice['id'] + ':' + names[0]]
    print('No available output fields')
    return None


def _data_object_help(in_class, param_desc, prompt):
    """Let the user find a data object (or job output) for an input; the words to use."""
    where = _current_directory_line()
    if where is not None:
        print(where)
    while True:
        print('Pick an option to find input data:')
        try:
            option = pick(_DATA_SOURCE_OPTIONS)
        except KeyboardInterrupt:
            option = 4
        if option in (0, 1, 2):
            words = _pick_data_object(in_class, param_desc, _project_of_option(option))
        elif option == 3:
            words = _pick_job_output()
        else:
            is_array = param_desc['class'].startswith(_ARRAY_PREFIX)
            print(fill('Enter an ID or path (<TAB> twice for compatible ' + in_class + 's in current directory)' +
                       (_ARRAY_HELP if is_array else '')))
            return shlex.split(input(prompt))
        if words is not None:
            return words


def _literal_hint(in_class, is_array):
    """What to type for a value of a class that is not a data object; None: no hint."""
    if in_class == 'boolean':
        return 'Enter "true", "false"' + _ARRAY_HELP if is_array else 'Enter "true" or "false"'
    if in_class == 'string' and is_array:
        return 'Enter a nonempty string' + _ARRAY_HELP
    if in_class in ('float', 'int') and is_array:
        return 'Enter a number' + _ARRAY_HELP
    if in_class == 'hash':
        return 'Enter a quoted JSON hash'
    return None


def interactive_help(in_class, param_desc, prompt):
    """Help for the input being asked for (the user typed "?"): returns the words then given."""
    print_param_help(param_desc)
    print()
    if in_class in dx_data_classes:
        return _data_object_help(in_class, param_desc, prompt)
    hint = _literal_hint(in_class, param_desc['class'].startswith(_ARRAY_PREFIX))
    if hint is not None:
        print(fill(hint))
    answer = input(prompt)
    return [answer] if in_class == 'string' else shlex.split(answer)


def _print_input_header(param_desc):
    print('\nInput:   ' + fill(UNDERLINE() + _label(param_desc) + ENDC() + ' (' + param_desc['name'] + ')'))
    print('Class:   ' + param_desc['class'])
    if 'type' in param_desc:
        print('Type(s): ' + parse_typespec(param_desc['type']))


def _completion_hint(in_class, param_desc):
    if in_class in dx_data_classes:
        return '<TAB> twice for compatible ' + in_class + 's in current directory, '
    if 'suggestions' in param_desc:
        return '<TAB> twice for suggestions, '
    if 'choices' in param_desc:
        return '<TAB> twice for choices, '
    return ''


def _more_options():
    return "'" + WHITE() + BOLD() + '?' + ENDC() + "' for more options"


def _completer_for(in_class, param_desc):
    from ..utils.completer import DXPathCompleter, ListCompleter, NoneCompleter
    if in_class in dx_data_classes:
        return DXPathCompleter(classes=[in_class], typespec=param_desc.get('type'))
    if in_class == 'boolean':
        return ListCompleter(completions=['true', 'false'])
    for key in ('suggestions', 'choices'):
        if key in param_desc:
            return ListCompleter(completions=[str(item) for item in param_desc[key]])
    return NoneCompleter()


def _set_completer(in_class, param_desc):
    """Tab completion of the values that fit the input, where readline is there."""
    readline = _readline()
    if readline is None:
        return
    try:
        readline.set_completer(_completer_for(in_class, param_desc).complete)
    except Exception:  # completion is a convenience: never let it stop the prompt
        pass


def _read_words(prompt, in_class, param_desc):
    """One line of input as words (a string is one word, an empty line none), after any
    help the user asked for with "?". EOFError at the end of input."""
    line = input(prompt)
    if in_class == 'string':
        words = [line] if line else []
    else:
        words = shlex.split(line)
    while words == ['?']:
        words = interactive_help(in_class, param_desc, prompt)
    return words


def _parse_or_report(in_class, word):
    """(True, value) for a good value; (False, None) after saying what is wrong."""
    try:
        return True, parse_input_or_jbor(in_class, word)
    except (ValueError, TypeError, DXError) as details:
        print(fill('Error occurred when parsing for class ' + in_class + ': ' + str(details)))
        return False, None


def get_input_array(param_desc):
    """Ask for the values of an array input one at a time, until an empty line or the end
    of input; returns them parsed."""
    in_class = _element_class(param_desc['class'])
    _print_input_header(param_desc)
    print()
    print(fill('Enter ' + in_class + ' values, one at a time (^D or <ENTER> to finish, ' +
               _completion_hint(in_class, param_desc) + _more_options() + ')'))
    _set_completer(in_class, param_desc)
    values = []
    while True:
        try:
            words = _read_words(param_desc['name'] + '[' + str(len(values)) + ']: ', in_class, param_desc)
        except EOFError:
            return values
        except ValueError as details:  # unbalanced quotes
            print(fill('Error: ' + str(details)))
            continue
        if len(words) > 1:
            print(fill(_TOO_MANY_WORDS))
            continue
        if not words:
            return values
        parsed, value = _parse_or_report(in_class, words[0])
        if parsed:
            values.append(value)


def format_choices_or_suggestions(header, items, obj_class, initial_indent=' ' * 8, subsequent_indent=' ' * 10):
    """*header* and the suggested or allowed values of an input of *obj_class*: data objects
    one a line (``project:ID``, ``project:folder/class-*``, with their names), others quoted
    for a shell and wrapped."""
    obj_class = _element_class(obj_class)
    if obj_class not in dx_data_classes:
        return fill(header + ' ' + ', '.join(shlex.quote(str(item)) for item in items),
                    initial_indent=initial_indent, subsequent_indent=subsequent_indent)

    def linked(link):
        obj_id, project_id = dxpy.get_dxlink_ids(link)
        return (project_id + ':' if project_id else '') + obj_id

    def named(item):
        return ' (%s)' % item['name'] if item.get('name') else ''

    def render(item):
        if dxpy.is_dxlink(item):
            return linked(item)
        if dxpy.is_dxlink(item.get('value')):
            return linked(item['value']) + named(item)
        if item.get('project') and item.get('path'):
            return item['project'] + ':' + item['path'] + '/' + obj_class + '-*' + named(item)
        return str(item)

    return initial_indent + header + ''.join('\n' + subsequent_indent + render(item) for item in items)


def _print_suggestions_and_choices(param_desc):
    for key, header in (('suggestions', 'Suggestions:'), ('choices', 'Choices:')):
        if key in param_desc:
            print(format_choices_or_suggestions(header, param_desc[key], param_desc['class'],
                                                initial_indent='', subsequent_indent='  '))


def _warn_if_not_a_choice(param_desc, value):
    if 'choices' in param_desc and value not in param_desc['choices']:
        print(fill(RED() + BOLD() + 'Warning:' + ENDC() + ' value "' + str(value) + '" for input ' + WHITE() +
                   BOLD() + param_desc['name'] + ENDC() + ' is not in the list of choices for that input'))


def get_input_single(param_desc):
    """Ask for the value of a (non-array) input until one parses; DXCLIError at the end of
    input."""
    in_class = param_desc['class']
    _print_input_header(param_desc)
    _print_suggestions_and_choices(param_desc)
    print()
    what = 'ID or path' if in_class in dx_data_classes else 'value'
    print(fill('Enter ' + in_class + ' ' + what + ' (' + _completion_hint(in_class, param_desc) +
               _more_options() + ')'))
    _set_completer(in_class, param_desc)
    while True:
        try:
            words = _read_words(param_desc['name'] + ': ', in_class, param_desc)
        except EOFError:
            raise DXCLIError('Unexpected end of input')
        except ValueError as details:  # unbalanced quotes
            print(fill('Error: ' + str(details)))
            continue
        if len(words) > 1:
            print(fill(_TOO_MANY_WORDS))
            continue
        parsed, value = _parse_or_report(in_class, words[0] if words else '')
        if parsed:
            _warn_if_not_a_choice(param_desc, value)
            return value


def get_optional_input_str(param_desc):
    """``label (name)`` of an input, as listed in the menu of optional inputs."""
    return _label(param_desc) + ' (' + param_desc['name'] + ')'


# ---------------------------------------------------------------------------
# The input of one executable

def _is_input_optional(spec_atom):
    return spec_atom.get('optional') is True or 'default' in spec_atom


def _parse_json_hash(text):
    return json.loads(text, object_pairs_hook=collections.OrderedDict)


# JSON values that -i takes as they are when the class is unknown; anything else (strings,
# booleans, null) may be the name of a data object.
_IMMEDIATE_JSON_TYPES = (collections.OrderedDict, list, int, float)


def _immediate_json_or_none(text):
    try:
        value = _parse_json_hash(text)
    except ValueError:
        return None
    return value if type(value) in _IMMEDIATE_JSON_TYPES else None


def _resolved_link(value, found):
    """The link for *value* resolved to *found*: by ID alone when the user gave an ID."""
    if is_hashid(value):
        return _link_to(found['id'])
    project = found['describe']['project'] if 'describe' in found else found['project']
    return _link_to(found['id'], project)


class ExecutableInputs(object):
    """The input hash of an executable (``inputs``), built from ``-i``/``-j``/``-f``.

    :param executable: handler of the applet, app, workflow or global workflow (None: no spec)
    :param input_name_prefix: only inputs whose names start with it are kept, without it
    :param input_spec: input spec to use instead of the executable's
    :param active_region: region the executable runs in (chooses a global workflow's workflow)
    """

    def __init__(self, executable=None, input_name_prefix=None, input_spec=None, active_region=None):
        self.executable = executable
        self.region = active_region
        self._desc = self.get_executable_description()
        self.required_inputs, self.optional_inputs, self.array_inputs = [], [], set()
        self.input_name_prefix = input_name_prefix
        self.inputs = OrderedDefaultdict(list)
        # (input name, value as given, class or None, position) of the values that name data
        # objects, all resolved in one batch; position -1 for a single value, else its
        # index in the input's array.
        self.requires_resolution = []
        self.input_spec = collections.OrderedDict() if 'inputSpec' in self._desc or input_spec else None
        for spec_atom in self._spec_atoms(input_spec):
            self._add_spec_atom(spec_atom)

    def _spec_atoms(self, input_spec):
        if input_spec is None:
            input_spec = self._desc.get('inputSpec', [])
        if input_spec is None and self._desc['class'] in ('workflow', 'globalworkflow'):
            # A workflow has no input spec when one of its stages cannot be described.
            inaccessible = [stage['id'] for stage in self._desc['stages'] if stage['accessible'] is False]
            raise DXCLIError('The workflow ' + self._desc['id'] + ' has the following inaccessible stage(s): ' +
                             ', '.join(inaccessible))
        if self._accept_only_workflow_level_inputs():
            return self._desc.get('inputs', [])
        return input_spec or []

    def _add_spec_atom(self, spec_atom):
        name = spec_atom['name']
        if spec_atom['class'].startswith(_ARRAY_PREFIX):
            self.array_inputs.add(name)
        self.input_spec[name] = spec_atom
        if self._is_input_optional(spec_atom):
            self.optional_inputs.append(name)
        else:
            self.required_inputs.append(name)

    def _accept_only_workflow_level_inputs(self):
        # A workflow with workflow-level inputs takes only those.
        return self._desc.get('inputs') is not None

    def _is_input_optional(self, spec_atom):
        return _is_input_optional(spec_atom)

    def get_executable_description(self):
        """The executable's describe hash ({} without one); a global workflow's includes its
        workflow in this region."""
        if self.executable is None:
            return {}
        if isinstance(self.executable, dxpy.DXGlobalWorkflow):
            return self.executable.append_underlying_workflow_desc(self.executable.describe(), self.region)
        return self.executable.describe()

    def update(self, new_inputs, strip_prefix=True):
        """Set the inputs of the hash *new_inputs* (replacing earlier values); with a prefix
        (and *strip_prefix*), only those whose names start with it, without it."""
        if strip_prefix and self.input_name_prefix is not None:
            prefix = self.input_name_prefix
            for name in new_inputs:
                if name.startswith(prefix):
                    self.inputs[name[len(prefix):]] = new_inputs[name]
        else:
            self.inputs.update(new_inputs)

    # -- -i name=value

    def add(self, input_name, input_value):
        """Add the value given as ``-i input_name=input_value`` (typed by the spec, by
        ``name:class``, or guessed). Data object paths wait for _update_requires_resolution_inputs."""
        if self.input_name_prefix is not None:
            if not input_name.startswith(self.input_name_prefix):
                return
            input_name = input_name[len(self.input_name_prefix):]
        input_name, _colon, input_class = input_name.partition(':')
        input_class = input_class or None
        if self.input_spec is not None:
            if input_name in self.input_spec:
                input_class = self.input_spec[input_name]['class']
            elif self._desc.get('class') != 'workflow':
                # (a workflow also takes inputs of its stages that its spec does not list)
                raise DXCLIError('Input field called "' + input_name + '" was not found in the input spec')
        if input_class is None:
            self._add_untyped(input_name, input_value)
        else:
            try:
                self._add_typed(input_name, input_value, input_class)
            except (ValueError, TypeError) as details:
                raise DXCLIError('Value provided for input field "' + input_name + '" could not be parsed as ' +
                                 input_class + ': ' + str(details))

    def _store(self, name, value):
        """Set the input, or add to it when it is a list."""
        current = self.inputs[name]
        if isinstance(current, list):
            current.append(value)
        else:
            self.inputs[name] = value

    def _add_untyped(self, name, value):
        jbor = _jbor_or_none(value)
        if jbor is not None:
            self._store(name, jbor)
            return
        immediate = _immediate_json_or_none(value)
        if immediate is not None:
            self._store(name, immediate)
            return
        # Maybe a data object, else a string: a placeholder keeps its place until resolved.
        current = self.inputs[name]
        if isinstance(current, list):
            self.requires_resolution.append((name, value, None, len(current)))
            current.append(None)
        else:
            self.requires_resolution.append((name, value, None, -1))
            self.inputs[name] = None

    def _add_typed(self, name, value, input_class):
        element_class = _element_class(input_class)
        jbor = _jbor_or_none(value)
        if jbor is not None:
            self._set_typed(name, input_class, jbor)
        elif element_class in _LITERAL_PARSERS:
            self._set_typed(name, input_class, _LITERAL_PARSERS[element_class](value))
        elif input_class.startswith(_ARRAY_PREFIX):
            # The input is created when resolved; its position counts the values before it.
            position = len(self.inputs.get(name) or []) + self._pending_count(name)
            self.requires_resolution.append((name, value, element_class, position))
        else:
            self.requires_resolution.append((name, value, input_class, -1))

    def _set_typed(self, name, input_class, value):
        if input_class.startswith(_ARRAY_PREFIX):
            self.inputs[name].append(value)
        else:
            self.inputs[name] = value

    def _pending_count(self, name):
        return sum(1 for pending in self.requires_resolution if pending[0] == name and pending[2] is not None)

    def _update_requires_resolution_inputs(self):
        """Resolve the paths given for inputs (one batch) and put the links in their places."""
        if not self.requires_resolution:
            return
        results = resolve_multiple_existing_paths([pending[1] for pending in self.requires_resolution])
        for name, value, input_class, position in self.requires_resolution:
            found = results[value]['name']
            if input_class is None:
                self._place_untyped(name, value, found, position)
            else:
                self._place_typed(name, value, input_class, found, position)

    def _place_untyped(self, name, value, found, position):
        if found is not None:  # else a string
            value = _resolved_link(value, found)
        if position >= 0:
            self.inputs[name][position] = value
        else:
            self.inputs[name] = value

    def _place_typed(self, name, value, input_class, found, position):
        problem = 'Value provided for input field "' + name + '" could not be parsed as ' + input_class + ': '
        if value == '':
            raise DXCLIError(problem + 'empty string cannot be resolved')
        if found is None:
            raise DXCLIError(problem + 'could not resolve "' + value + '" to a name or ID')
        try:
            dxpy.bindings.verify_string_dxid(found['id'], input_class)
        except DXError as details:
            raise DXCLIError(problem + str(details))
        link = _resolved_link(value, found)
        if position >= 0:
            self.inputs[name].insert(position, link)
        else:
            self.inputs[name] = link

    # -- prompting

    def init_completer(self):
        """Prepare readline for the prompts: tab completes whole values, and the history
        so far is saved (to ~/.dnanexus_config/.dx_history) and cleared."""
        readline = _readline()
        if readline is None:
            return
        try:
            uses_libedit = 'libedit' in (readline.__doc__ or '')
            readline.parse_and_bind('bind ^I rl_complete' if uses_libedit else 'tab: complete')
            readline.set_completer_delims('')
            readline.write_history_file(os.path.join(dxpy.config.get_user_conf_dir(), '.dx_history'))
            readline.clear_history()
            readline.set_completer()
        except Exception:  # completion is a convenience: never let it stop the prompts
            pass

    def uninit_completer(self):
        """Leave readline without a completer and history again."""
        readline = _readline()
        if readline is None:
            return
        try:
            readline.set_completer()
            readline.clear_history()
        except Exception:
            pass

    def prompt_for_missing(self, confirm=True):
        """Ask for each required input not given; when none was given at all (and with
        *confirm*), offer the optional ones too. Nothing without an input spec."""
        if self.input_spec is None:
            return
        self.init_completer()
        try:
            nothing_given = len(self.inputs) == 0
            for name in self.required_inputs:
                if name not in self.inputs:
                    if len(self.inputs) == 0:
                        print('Entering interactive mode for input selection.')
                    self.inputs[name] = self.prompt_for_input(name)
            if nothing_given and self.optional_inputs and confirm:
                self.prompt_for_optional_inputs()
        finally:
            self.uninit_completer()

    def prompt_for_input(self, input_name):
        """Ask for the value(s) of one input."""
        if input_name in self.array_inputs:
            return get_input_array(self.input_spec[input_name])
        return get_input_single(self.input_spec[input_name])

    def _optional_input_line(self, number, name):
        spec_atom = self.input_spec[name]
        line = ' [' + str(number) + '] ' + get_optional_input_str(spec_atom)
        if name in self.inputs:
            return line + ' [=' + GREEN() + json.dumps(self.inputs[name]) + ENDC() + ']'
        if 'default' in spec_atom:
            return line + ' [default=' + json.dumps(spec_atom['default']) + ']'
        return line

    def _read_optional_input_number(self):
        """The number of the optional input picked; None when the user is done."""
        while True:
            try:
                selected = input('Optional param #: ')
            except EOFError:
                return None
            if selected == '':
                return None
            try:
                number = int(selected)
            except ValueError as details:
                print(str(details))
                continue
            if 0 <= number < len(self.optional_inputs):
                return number
            print('Error: Selection is out of range')

    def prompt_for_optional_inputs(self):
        """Offer the optional inputs by number until the user is done."""
        while True:
            print('\n' + fill('Select an optional parameter to set by its # (^D or <ENTER> to finish):') + '\n')
            for number, name in enumerate(self.optional_inputs):
                print(self._optional_input_line(number, name))
            print('')
            number = self._read_optional_input_number()
            if number is None:
                return
            name = self.optional_inputs[number]
            try:
                self.inputs[name] = self.prompt_for_input(name)
            except (Exception, KeyboardInterrupt):  # back to the menu, the input left as it was
                pass

    # -- everything from the command line

    def _update_from_json(self, text, what):
        try:
            self.update(_parse_json_hash(text))
        except Exception as details:
            raise DXCLIError('Error while parsing input %s: %s' % (what, details))

    def _read_input_file(self, filename):
        if filename == '-':
            return sys.stdin.read()
        with open(filename, 'r') as handle:
            return handle.read()

    def _input_name_for_executable(self, name, args):
        """A workflow's ``stage.field`` with the stage (ID, name or index) as its ID."""
        if self._desc.get('class') in ('workflow', 'globalworkflow'):
            return self.executable._get_input_name(name, region=getattr(args, 'region', None),
                                                   describe_output=self._desc)
        return name

    def _add_all(self, keyeqvals, args):
        for keyeqval in keyeqvals:
            name, value = parse_input_keyval(keyeqval)
            if '.' in name and self._accept_only_workflow_level_inputs():
                raise DXCLIError('The input with a key ' + name + ' was passed to a stage but the workflow '
                                 'accepts inputs only on the workflow level')
            self.add(self._input_name_for_executable(name, args), value)
        self._update_requires_resolution_inputs()

    def _unwrap_single_values(self):
        # Without a spec, one value given for a name is that value, not a list of it.
        for name, value in self.inputs.items():
            if type(value) is list and len(value) == 1:
                self.inputs[name] = value[0]

    def _missing_required_inputs(self):
        return [name for name in self.required_inputs if name not in self.inputs]

    def update_from_args(self, args, require_all_inputs=True):
        """Take the inputs of *args* (``filename`` of -f, ``input_json`` of -j, then each
        ``input`` of -i); with *require_all_inputs*, ask for the missing ones on a terminal,
        else DXCLIError naming them."""
        if args.filename is not None:
            try:
                text = self._read_input_file(args.filename)
            except Exception as details:
                raise DXCLIError('Error while parsing input JSON file: %s' % details)
            self._update_from_json(text, 'JSON file')
        if args.input_json is not None:
            self._update_from_json(args.input_json, 'JSON')
        if args.input is not None:
            self._add_all(args.input, args)
        if self.input_spec is None:
            self._unwrap_single_values()
        if not require_all_inputs:
            return
        if INTERACTIVE_CLI:
            self.prompt_for_missing(getattr(args, 'confirm', True))
            return
        missing = self._missing_required_inputs()
        if missing:
            raise DXCLIError('Some inputs (%s) are missing, and interactive mode is not available'
                             % ', '.join(missing))
