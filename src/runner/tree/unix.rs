//! Process trees on Unix: a process group per launched method.

/// Nothing is held on Unix: the process group is the tree, and it outlives Deckhand.
#[derive(Debug)]
pub struct Tree;

/// Makes the method's process lead its own process group.
pub fn prepare(command: &mut tokio::process::Command) {
    command.process_group(0);
}

/// Takes a just-started method's tree (nothing to do: the group exists).
pub fn adopt(_child: &tokio::process::Child) -> Result<Tree, String> {
    Ok(Tree)
}

/// Takes the tree of a method re-attached after a restart.
pub fn adopt_running(_pid: u32) -> Tree {
    Tree
}

impl Tree {
    /// Ends the method's process and every process it started.
    pub fn end(&self, pid: u32) -> Result<(), String> {
        end_unheld(pid)
    }
}

/// Ends the process group `pid` leads.
pub fn end_unheld(pid: u32) -> Result<(), String> {
    let group = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or("not a process id")?;
    rustix::process::kill_process_group(group, rustix::process::Signal::KILL)
        .map_err(|e| e.to_string())
}
